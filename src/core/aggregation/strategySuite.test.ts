/** One suite run against every strategy (registry entries, robust wrappers, the DP wrapper). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { dpFedAvg } from '../privacy/dpFedAvg.ts';
import type { AggregationStrategy } from './strategy.ts';
import { STRATEGIES, ROBUST_RULES } from './strategies.ts';
import { fedAdam } from './fedAdam.ts';
import { fromFlat, maxDiff, randomWeights, toFlat } from './testWeights.ts';
import { errorCode } from '../util/errorCode.ts';

const MAKERS: [string, () => AggregationStrategy][] = [
  ...Object.keys(STRATEGIES).map((k): [string, () => AggregationStrategy] => [
    k,
    () => STRATEGIES[k]!(k === 'normbound' ? { maxNorm: 5 } : {}),
  ]),
  ['trimmedmean(fedadam)', () => ROBUST_RULES.trimmedmean(fedAdam(), { trimFraction: 0.2 })],
  ['dp(fedavg) without noise', () => dpFedAvg(STRATEGIES.fedavg!({}), { clipNorm: 100, noiseMultiplier: 0 })],
  ['dp(fedyogi) without noise', () => dpFedAvg(STRATEGIES.fedyogi!({}), { clipNorm: 100, noiseMultiplier: 0 })],
];

function aggregate(s: AggregationStrategy, global: WeightSet, updates: readonly WeightSet[], weights: readonly number[]): WeightSet {
  const agg = s.begin(global);
  updates.forEach((u, i) => agg.add(u, weights[i]!));
  expect(agg.count).toBe(updates.length);
  return agg.finish();
}


const flatArb = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 11, maxLength: 11 });

describe.each(MAKERS)('strategy %s', (_label, make) => {
  const global = randomWeights(1);

  it('gives finite weights of the global spec', () => {
    const out = aggregate(make(), global, [randomWeights(2, 0.1), randomWeights(3, 0.1)], [3, 5]);
    expect(out.map((t) => [t.name, t.shape])).toEqual(global.map((t) => [t.name, t.shape]));
    expect(toFlat(out).every(Number.isFinite)).toBe(true);
  });

  it('does not depend on the order of updates (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(flatArb, fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 6 }), (items) => {
        const ups = items.map(([f]) => fromFlat(f));
        const ws = items.map(([, w]) => w);
        const a = aggregate(make(), global, ups, ws);
        const b = aggregate(make(), global, [...ups].reverse(), [...ws].reverse());
        return maxDiff(a, b) < 1e-5;
      }),
      { numRuns: 30 },
    );
  });

  it('N identical updates give what one gives (property)', () => {
    fc.assert(
      fc.property(flatArb, fc.integer({ min: 2, max: 6 }), (f, n) => {
        const u = fromFlat(f);
        const one = aggregate(make(), global, [u], [1]);
        const many = aggregate(make(), global, Array.from({ length: n }, () => u), Array.from({ length: n }, (_, i) => i + 1));
        return maxDiff(one, many) < 1e-5;
      }),
      { numRuns: 30 },
    );
  });

  it('refuses wrong shapes, NaN, bad weights, empty rounds and a second finish', () => {
    const agg = make().begin(global);
    expect(errorCode(() => agg.add(randomWeights(4, 1, [[2, 3], [5], []]), 1))).toBe('UPDATE_SHAPE');
    const [first, ...rest] = randomWeights(4);
    const short = [{ ...first!, values: first!.values.subarray(1) }, ...rest]; // the shape promises one value more
    expect(errorCode(() => agg.add(short, 1))).toBe('UPDATE_SHAPE');
    const nan = randomWeights(5);
    nan[0]!.values[2] = Number.NaN;
    expect(errorCode(() => agg.add(nan, 1))).toBe('UPDATE_NONFINITE');
    expect(errorCode(() => agg.add(randomWeights(6), 0))).toBe('AGGREGATION_WEIGHT');
    expect(agg.count).toBe(0);
    expect(errorCode(() => agg.finish())).toBe('AGGREGATION_EMPTY');
    const agg2 = make().begin(global);
    agg2.add(randomWeights(7), 1);
    agg2.finish();
    expect(errorCode(() => agg2.finish())).toBe('AGGREGATION_FINISHED');
  });

  it('resumes from exported state exactly as if it had never stopped', () => {
    const a = make();
    const r1 = aggregate(a, global, [randomWeights(8, 0.1), randomWeights(9, 0.1)], [1, 2]);
    const b = make();
    b.importState(a.exportState());
    const ups = [randomWeights(10, 0.1), randomWeights(11, 0.1)];
    expect(maxDiff(aggregate(a, r1, ups, [2, 1]), aggregate(b, r1, ups, [2, 1]))).toBe(0);
  });
});
