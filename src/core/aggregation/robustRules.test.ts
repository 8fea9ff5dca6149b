/** Robust rules against one scaled (x100) or sign-flipped site (Yin et al. 2018; Sun et al. 2019). */
import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { coordinateMedian } from './coordinateMedian.ts';
import { fedAvg } from './fedAvg.ts';
import { normBound } from './normBound.ts';
import { STRATEGIES } from './strategies.ts';
import { trimCount, trimmedMeanOf } from './trimmedMean.ts';
import { add, l2norm, scale, subtract, weightedMean } from './weightMath.ts';
import { fromFlat, randomWeights } from './testWeights.ts';

const global = randomWeights(1);
const direction = randomWeights(2, 0.1);
/** honest sites: the same direction plus small site noise */
const honest = [3, 4, 5, 6].map((s) => add(direction, randomWeights(s, 0.01)));
const honestMean = weightedMean(honest, [1, 1, 1, 1]);

function run(name: string, updates: readonly WeightSet[], options: unknown = {}): WeightSet {
  const agg = STRATEGIES[name]!(options).begin(global);
  for (const u of updates) agg.add(u, 10);
  return subtract(agg.finish(), global);
}

const attacks: [string, WeightSet][] = [
  ['scaled x100', scale(honest[0]!, 100)],
  ['sign-flipped x10', scale(honest[0]!, -10)],
];

describe.each(attacks)('one malicious site (%s) among 5', (_label, bad) => {
  const updates = [...honest, bad];
  const err = (d: WeightSet) => l2norm(subtract(d, honestMean)) / l2norm(honestMean);

  it('wrecks plain FedAvg', () => {
    expect(err(run('fedavg', updates))).toBeGreaterThan(1);
  });
  it('median stays close to the honest mean', () => {
    expect(err(run('median', updates))).toBeLessThan(0.25);
  });
  it('trimmed mean stays close to the honest mean', () => {
    expect(err(run('trimmedmean', updates, { trimFraction: 0.2 }))).toBeLessThan(0.25);
  });
  it('norm bounding limits the damage', () => {
    expect(err(run('normbound', updates, { maxNorm: l2norm(honestMean) * 1.2 }))).toBeLessThan(0.5);
  });
});

describe('order statistics', () => {
  it('median of an even count is the mean of the two middle values', () => {
    const m = coordinateMedian([fromFlat(Array(11).fill(1)), fromFlat(Array(11).fill(4)), fromFlat(Array(11).fill(2)), fromFlat(Array(11).fill(100))]);
    expect(m[0]!.values[0]).toBe(3);
  });
  it('trimmed mean drops k per end, keeping at least one value', () => {
    expect(trimCount(4, 0.1)).toBe(1);
    expect(trimCount(3, 0.4)).toBe(1);
    // products that floating point puts a hair above an integer
    expect(trimCount(25, 0.28)).toBe(7);
    expect(trimCount(100, 0.07)).toBe(7);
    expect(trimCount(25, 0.281)).toBe(8);
    expect(trimCount(2, 0.4)).toBe(0);
    expect(trimCount(10, 0.25)).toBe(3);
    const t = trimmedMeanOf([1, 2, 3, 4, 100].map((v) => fromFlat(Array(11).fill(v))), 0.2);
    expect(t[1]!.values[0]).toBe(3);
  });
  it('norm bound leaves small updates untouched and clips large ones to the bound', () => {
    const s = normBound(fedAvg(), { maxNorm: 1 });
    const small = scale(direction, 0.5 / l2norm(direction));
    let agg = s.begin(global);
    agg.add(small, 1);
    expect(l2norm(subtract(subtract(agg.finish(), global), small))).toBeLessThan(1e-6);
    agg = s.begin(global);
    agg.add(scale(direction, 1000), 1);
    expect(l2norm(subtract(agg.finish(), global))).toBeCloseTo(1, 4);
    expect(() => normBound(fedAvg(), {})).toThrow(/maxNorm/);
  });
});
