import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fedAvg } from './fedAvg.ts';
import { fedProx } from './fedProx.ts';
import { add, scale, weightedMean } from './weightMath.ts';
import { fromFlat, maxDiff, randomWeights } from './testWeights.ts';

const flatArb = fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 11, maxLength: 11 });

describe('fedAvg', () => {
  const global = randomWeights(1);

  it('of identical updates is global + that update (property)', () => {
    fc.assert(
      fc.property(flatArb, fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }), (f, ws) => {
        const u = fromFlat(f);
        const agg = fedAvg().begin(global);
        for (const w of ws) agg.add(u, w);
        return maxDiff(agg.finish(), add(global, u)) < 1e-4;
      }),
    );
  });

  it('weights by sample count: global + sum(w_i u_i) / sum(w_i) (property)', () => {
    fc.assert(
      fc.property(flatArb, flatArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (f1, f2, w1, w2) => {
        const u1 = fromFlat(f1);
        const u2 = fromFlat(f2);
        const agg = fedAvg().begin(global);
        agg.add(u1, w1);
        agg.add(u2, w2);
        return maxDiff(agg.finish(), add(global, weightedMean([u1, u2], [w1, w2]))) < 1e-4;
      }),
    );
  });

  it('weights matter: more samples pull the model further', () => {
    const u1 = fromFlat(Array(11).fill(1));
    const u2 = fromFlat(Array(11).fill(-1));
    const run = (w1: number, w2: number) => {
      const agg = fedAvg().begin(global);
      agg.add(u1, w1);
      agg.add(u2, w2);
      return agg.finish();
    };
    expect(maxDiff(run(1, 1), global)).toBeLessThan(1e-6);
    expect(maxDiff(run(3, 1), add(global, fromFlat(Array(11).fill(0.5))))).toBeLessThan(1e-6);
  });

  it('a server learning rate scales the step; fedprox aggregates as fedavg', () => {
    const u = randomWeights(2);
    const a = fedAvg({ serverLearningRate: 0.5 }).begin(global);
    a.add(u, 4);
    expect(maxDiff(a.finish(), add(global, scale(u, 0.5)))).toBeLessThan(1e-6);
    const p = fedProx().begin(global);
    p.add(u, 4);
    expect(maxDiff(p.finish(), add(global, u))).toBeLessThan(1e-6);
  });

  it('streams: an update is folded into the sum on add and not kept', () => {
    const u = randomWeights(3);
    const expected = add(global, u);
    const agg = fedAvg().begin(global);
    agg.add(u, 2);
    for (const t of u) t.values.fill(1e6); // the caller reuses its buffers
    expect(maxDiff(agg.finish(), expected)).toBeLessThan(1e-6);
  });

  it('refuses bad options with a sentence', () => {
    expect(() => fedAvg({ serverLearningRate: -1 })).toThrow(/fedavg options: serverLearningRate: expected number > 0, found -1/);
    expect(() => fedAvg({ lr: 1 })).toThrow(/unknown key "lr"/);
  });
});
