import { describe, expect, it } from 'vitest';
import { DEMO_PLAN } from '../../core/protocol/plan.ts';
import type { OperatorStatus } from '../../coordinator/operatorStatus.ts';
import { formatStatus } from './status.ts';

const scores = (x: number) => ({ ET: x, TC: x + 0.1, WT: x + 0.2 });

describe('fedseg status', () => {
  it('prints rounds, who reported, the federated Dice and why a round waits', () => {
    const s: OperatorStatus = {
      federation: 'demo', planHash: 'a'.repeat(64), plan: DEMO_PLAN, notice: 'round 2 extended: deadline passed with 1 of the 2 sites needed',
      current: { federation: 'demo', planHash: 'a'.repeat(64), round: 2, rounds: 3, state: 'collecting', finished: false, globalModelHash: 'b'.repeat(64), deadline: 70_000, expectedSites: 2, reportedSites: 1, minSites: 2 },
      sites: [{ id: 'hospital-a-1', name: 'Hospital A', status: 'active', invitedAt: 0, joinedAt: 0 }],
      rounds: [{
        round: 1, status: 'closed', globalModel: 'c'.repeat(64), resultModel: 'b'.repeat(64), openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
        updates: [{ siteId: 'hospital-a-1', sampleCount: 7, bytes: 10, codec: 'float32', receivedAt: 1, metrics: {} }],
        evaluations: [], evaluation: { cases: 4, sites: 1, dice: scores(0.25), hd95: scores(3) }, summary: null,
      }],
      final: null,
    };
    const text = formatStatus(s, 10_000);
    expect(text).toContain('Round 2 of 3: collecting; 1 of 2 active sites reported (min 2), deadline in 60 s');
    expect(text).toContain('Notice: round 2 extended');
    expect(text).toMatch(/1\s+closed\s+1\s+7\s+hospital-a-1\s+0\.250 0\.350 0\.450 {2}\(4 cases, 1 sites\)/);
  });
});
