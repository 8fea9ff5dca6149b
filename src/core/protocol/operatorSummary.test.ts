import { describe, expect, it } from 'vitest';
import { DEMO_PLAN } from './plan.ts';
import { operatorStatusFixture as status, roundView as round, scores, siteEntry, siteUpdate as update } from './testing/operatorStatusFixture.ts';
import { ago, evaluationSeries, largestNorms, lastRoundBySite, normRange, waitingSites } from './operatorSummary.ts';

describe('the operator summary', () => {
  it('says how long ago in the largest whole unit', () => {
    expect([null, 0, 119_000, 120_000, 7_100_000, 7_200_000, 172_000_000, 172_800_000].map((at) => ago(at === null ? null : 1e9 - at, 1e9)))
      .toEqual(['never', '0 s ago', '119 s ago', '2 min ago', '118 min ago', '2 h ago', '48 h ago', '2 d ago']);
  });

  it('waits for the active sites without an update in the current round, not for invited, revoked or stopped ones', () => {
    expect(waitingSites(status())?.map((s) => s.id)).toEqual(['a', 'c']);
    expect(waitingSites(status({ sites: [siteEntry('a', 'active', 5), siteEntry('b'), siteEntry('c')] }))?.map((s) => s.id)).toEqual(['c']);
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

describe('lastRoundBySite', () => {
  it('gives the last round with reports, each reporting site with its update and evaluation', () => {
    const withMetrics = { ...update('a', 2), metrics: { meanLoss: 0.4, durationMs: 1200, steps: 'x' } };
    const s = status({
      rounds: [
        round(1, [update('a', 9)], null),
        { ...round(2, [withMetrics, update('b')], null), evaluations: [{ siteId: 'c', cases: 6, dice: scores(0.5), hd95: scores(4), receivedAt: 1 }] },
        round(3, [], null),
      ],
    });
    expect(lastRoundBySite(s)).toEqual({
      round: 2,
      rows: [
        { siteId: 'a', name: 'A', update: { sampleCount: 3, norm: 2, meanLoss: 0.4, durationMs: 1200 } },
        { siteId: 'b', name: 'B', update: { sampleCount: 3 } },
        { siteId: 'c', name: 'C', evaluation: { cases: 6, dice: scores(0.5) } },
      ],
    });
    expect(lastRoundBySite(status({ rounds: [round(1, [], null)] }))).toBeUndefined();
  });
});
