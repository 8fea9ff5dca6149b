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
      sites: [
        { id: 'hospital-a-1', name: 'Hospital A', status: 'active', invitedAt: 0, joinedAt: 0, lastSeenAt: 4_000, pausedAt: null, revokedAt: null },
        { id: 'hospital-b-2', name: 'Hospital B', status: 'active', invitedAt: 0, joinedAt: 0, lastSeenAt: null, pausedAt: 5_000, revokedAt: null },
        { id: 'hospital-c-3', name: 'Hospital C', status: 'revoked', invitedAt: 0, joinedAt: 0, lastSeenAt: 1_000, pausedAt: 2_000, revokedAt: 7_000 },
      ],
      rounds: [{
        round: 1, status: 'closed', globalModel: 'c'.repeat(64), resultModel: 'b'.repeat(64), openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
        updates: [{ siteId: 'hospital-a-1', sampleCount: 7, bytes: 10, codec: 'float32', receivedAt: 1, metrics: {}, norm: 2.5 }],
        evaluations: [], evaluation: { cases: 4, sites: 1, dice: scores(0.25), hd95: scores(3) }, summary: null,
      }],
      final: null,
    };
    const text = formatStatus(s, 10_000);
    expect(text).toContain('Round 2 of 3: collecting; 1 of 2 active sites reported (min 2), deadline in 60 s');
    // a round that stays open past its deadline (extendOnTimeout off) says how long ago it passed
    expect(formatStatus(s, 250_000)).toContain('(min 2), deadline passed 3 min ago');
    expect(text).toContain('Notice: round 2 extended');
    expect(text).toMatch(/1\s+closed\s+1\s+7\s+2\.500\s+0\.250 0\.350 0\.450 {5}3\.0 {3}3\.1 {3}3\.2 {2}\(4 cases, 1 site\)\s+hospital-a-1\n/);
    // who the round waits for, when each was last seen; not B, which stopped taking part
    expect(text).toContain('Waiting for: hospital-a-1 (last seen 6 s ago)\n');
    expect(text).toMatch(/hospital-b-2 +Hospital B +active +joined .* last seen never  stopped taking part 5 s ago \(not waited for\)/);
    // a revoked site says when, not that it stopped (it is not waited for in any case)
    expect(text).toMatch(/hospital-c-3 +Hospital C +revoked +joined .* last seen 9 s ago  revoked 3 s ago\n/);
    // the columns line up, however long an id or a name
    const long = formatStatus({ ...s, sites: [...s.sites, { ...s.sites[0]!, id: 'university-hospital-of-somewhere-far-1a2b3c', name: 'University Hospital of Somewhere Far' }] }, 10_000);
    const statusColumns = long.split('\n').filter((l) => / joined /.test(l)).map((l) => l.search(/ (active|revoked|invited) +joined/));
    expect(new Set(statusColumns).size).toBe(1);
    // not under secure aggregation, whose masked inputs are recorded only once unmasked
    const secure = { ...s, plan: { ...s.plan, privacy: { ...s.plan.privacy, secureAggregation: { ...s.plan.privacy.secureAggregation, enabled: true } } } };
    expect(formatStatus(secure, 10_000)).not.toContain('Waiting for');
    expect(text).toMatch(/hospital-a-1 +Hospital A +active +joined 1970-01-01 00:00:00  last seen 6 s ago/);
    expect(text).toContain('Largest update norms (a norm bound should sit above the honest ones): round 1: hospital-a-1 2.500');
  });

  it('shows each round\'s range of update norms and the largest by site, or - where none is known', () => {
    const update = (siteId: string, norm?: number) => ({ siteId, sampleCount: 5, bytes: 10, codec: 'float32', receivedAt: 1, metrics: {}, ...(norm !== undefined ? { norm } : {}) });
    const round = (n: number, updates: ReturnType<typeof update>[]) => ({
      round: n, status: 'closed' as const, globalModel: 'c'.repeat(64), resultModel: 'b'.repeat(64), openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
      updates, evaluations: [], evaluation: null, summary: null,
    });
    const s: OperatorStatus = {
      federation: 'demo', planHash: 'a'.repeat(64), plan: DEMO_PLAN, notice: null,
      current: { federation: 'demo', planHash: 'a'.repeat(64), round: 3, rounds: 3, state: 'open', finished: false, globalModelHash: 'b'.repeat(64), deadline: null, expectedSites: 3, reportedSites: 0, minSites: 2 },
      sites: [],
      rounds: [round(1, [update('a'), update('b')]), round(2, [update('a', 2.41), update('b', 31.2), update('c', 3.1)])],
      final: null,
    };
    const text = formatStatus(s, 0);
    expect(text).toMatch(/\n {2}1 +closed +2 +10 +- {13}- +a, b\n/);
    // the last rounds only, when asked
    const last = formatStatus(s, 0, 1);
    expect(last).toContain('(1 earlier round not shown: --rounds all lists every one)');
    expect(last).not.toMatch(/\n {2}1 /);
    expect(last).toMatch(/\n {2}2 .* a, b, c/);
    // the sites that reported come last, in full, however many
    expect(text).toMatch(/\n {2}2 +closed +3 +15 +2\.410-31\.200 +- +a, b, c\n/);
    expect(text).toContain('round 2: b 31.200, c 3.100, a 2.410');
  });

  it('shows the privacy budget spent against the planned one', () => {
    const plan = { ...DEMO_PLAN, privacy: { ...DEMO_PLAN.privacy, dp: { enabled: true, epsilon: 4, delta: 1e-5, clipNorm: 1 } } };
    const s: OperatorStatus = {
      federation: 'demo', planHash: 'a'.repeat(64), plan, notice: null, epsilonSpent: 1.23456,
      current: { federation: 'demo', planHash: 'a'.repeat(64), round: 4, rounds: 3, state: 'closed', finished: true, globalModelHash: 'b'.repeat(64), deadline: null, expectedSites: 0, reportedSites: 0, minSites: 2 },
      sites: [], rounds: [], final: null,
    };
    expect(formatStatus(s, 0)).toContain(`Differential privacy: epsilon spent 1.235 of 4 over the ${DEMO_PLAN.rounds} planned rounds (delta 0.00001)`);
  });
});
