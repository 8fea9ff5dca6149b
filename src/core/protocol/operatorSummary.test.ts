import { describe, expect, it } from 'vitest';
import { DEMO_PLAN } from './plan.ts';
import type { OperatorStatus, RoundView } from './operatorStatusSchema.ts';
import { ago, evaluationSeries, largestNorms, normRange, waitingSites } from './operatorSummary.ts';

const scores = (x: number) => ({ ET: x, TC: x + 0.1, WT: x + 0.2 });
const site = (id: string, status: 'invited' | 'active' | 'revoked' = 'active') => ({ id, name: id.toUpperCase(), status, invitedAt: 0, joinedAt: status === 'invited' ? null : 0, lastSeenAt: null });
const update = (siteId: string, norm?: number): RoundView['updates'][number] => ({ siteId, sampleCount: 3, bytes: 10, codec: 'float32', receivedAt: 1, metrics: {}, ...(norm === undefined ? {} : { norm }) });
const round = (n: number, updates: RoundView['updates'], evaluation: number | null): RoundView => ({
  round: n, status: 'closed', globalModel: 'c'.repeat(64), resultModel: null, openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
  updates, evaluations: [], evaluation: evaluation === null ? null : { cases: 4, sites: 2, dice: scores(evaluation), hd95: scores(9) }, summary: null,
});

function status(patch: Partial<OperatorStatus> = {}, current: Partial<OperatorStatus['current']> = {}): OperatorStatus {
  return {
    federation: 'demo', planHash: 'a'.repeat(64), plan: DEMO_PLAN, notice: null,
    current: { federation: 'demo', planHash: 'a'.repeat(64), round: 2, rounds: 3, state: 'collecting', finished: false, globalModelHash: 'b'.repeat(64), deadline: 70_000, expectedSites: 3, reportedSites: 1, minSites: 2, ...current },
    sites: [site('a'), site('b'), site('c'), site('d', 'invited'), site('e', 'revoked')],
    rounds: [round(1, [update('a', 2), update('b', 3)], 0.2), round(2, [update('b', 2.5)], null)],
    final: null,
    ...patch,
  };
}

describe('the operator summary', () => {
  it('says how long ago in the largest whole unit', () => {
    expect([null, 0, 119_000, 120_000, 7_100_000, 7_200_000, 172_000_000, 172_800_000].map((at) => ago(at === null ? null : 1e9 - at, 1e9)))
      .toEqual(['never', '0 s ago', '119 s ago', '2 min ago', '118 min ago', '2 h ago', '48 h ago', '2 d ago']);
  });

  it('waits for the active sites without an update in the current round, not for invited or revoked ones', () => {
    expect(waitingSites(status())?.map((s) => s.id)).toEqual(['a', 'c']);
    expect(waitingSites(status({}, { round: 3 }))?.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('does not say whom a round waits for while it aggregates, once finished, or under secure aggregation', () => {
    expect(waitingSites(status({}, { state: 'aggregating' }))).toBeUndefined();
    expect(waitingSites(status({}, { finished: true }))).toBeUndefined();
    const secure = { ...DEMO_PLAN, privacy: { ...DEMO_PLAN.privacy, secureAggregation: { ...DEMO_PLAN.privacy.secureAggregation, enabled: true } } };
    expect(waitingSites(status({ plan: secure }))).toBeUndefined();
  });

  it('gives a round\'s range of update norms and the last known round\'s by site, largest first', () => {
    expect(normRange([update('a', 2), update('b', 31.2), update('c')])).toEqual({ lo: 2, hi: 31.2 });
    expect(normRange([update('a')])).toBeUndefined();
    expect(largestNorms(status())).toEqual({ round: 2, bySite: [{ siteId: 'b', norm: 2.5 }] });
    const lastUnknown = status({ rounds: [round(1, [update('a', 2), update('b', 3)], null), round(2, [update('c')], null)] });
    expect(largestNorms(lastUnknown)).toEqual({ round: 1, bySite: [{ siteId: 'b', norm: 3 }, { siteId: 'a', norm: 2 }] });
    expect(largestNorms(status({ rounds: [] }))).toBeUndefined();
  });

  it('lists the evaluated rounds in order, then the final model as round rounds + 1', () => {
    const s = status({ rounds: [round(2, [], 0.3), round(1, [], 0.2), round(3, [], null)], final: { cases: 5, sites: 2, dice: scores(0.4), hd95: scores(7) } });
    expect(evaluationSeries(s).map((p) => [p.round, p.dice.ET, p.cases])).toEqual([[1, 0.2, 4], [2, 0.3, 4], [DEMO_PLAN.rounds + 1, 0.4, 5]]);
    expect(evaluationSeries(status({ rounds: [] }))).toEqual([]);
  });
});
