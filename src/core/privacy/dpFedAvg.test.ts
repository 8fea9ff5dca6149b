import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { fedAvg } from '../aggregation/fedAvg.ts';
import { l2norm, subtract } from '../aggregation/weightMath.ts';
import { randomWeights, toFlat } from '../aggregation/testWeights.ts';
import { strategyFromPlan } from '../aggregation/strategies.ts';
import { parsePlan } from '../protocol/plan.ts';
import { dpFedAvg } from './dpFedAvg.ts';
import { epsilonSpent } from './rdpAccountant.ts';

const zeros = (n: number): WeightSet => [{ name: 'w', shape: [n], values: new Float32Array(n) }];

describe('DP-FedAvg wrapper', () => {
  it('clips each site to clipNorm and weighs sites equally', () => {
    const s = dpFedAvg(fedAvg(), { clipNorm: 1, noiseMultiplier: 0 });
    const global = zeros(2);
    const agg = s.begin(global);
    agg.add([{ name: 'w', shape: [2], values: Float32Array.of(30, 40) }], 1000); // norm 50 -> 1
    agg.add([{ name: 'w', shape: [2], values: Float32Array.of(0, 0) }], 1);
    const out = agg.finish()[0]!.values;
    expect(out[0]).toBeCloseTo(0.3, 6); // (0.6 + 0) / 2
    expect(out[1]).toBeCloseTo(0.4, 6);
  });

  it('adds Gaussian noise of std noiseMultiplier * clipNorm / sites to the mean', () => {
    const n = 20000;
    const s = dpFedAvg(fedAvg(), { clipNorm: 0.5, noiseMultiplier: 2, seed: 7 });
    const agg = s.begin(zeros(n));
    for (let i = 0; i < 4; i++) agg.add(zeros(n), 1);
    const v = toFlat(agg.finish());
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.25 * 0.97);
    expect(std).toBeLessThan(0.25 * 1.03); // 2 * 0.5 / 4
  });

  it('draws fresh noise from the CSPRNG when no seed is given', () => {
    const run = () => {
      const agg = dpFedAvg(fedAvg(), { clipNorm: 1, noiseMultiplier: 1 }).begin(zeros(8));
      agg.add(zeros(8), 1);
      return agg.finish();
    };
    expect(l2norm(subtract(run(), run()))).toBeGreaterThan(0);
  });

  it('is built from the plan with a noise multiplier meeting the budget', () => {
    const plan = parsePlan({ rounds: 5, privacy: { dp: { enabled: true, epsilon: 4, delta: 1e-5, clipNorm: 0.1 } } }, 'plan');
    const { strategy, dp } = strategyFromPlan(plan, { dpSeed: 1 });
    expect(strategy.name).toBe('dp(fedavg)');
    expect(dp!.clipNorm).toBe(0.1);
    expect(dp!.epsilonAfter(5, 1e-5)).toBeLessThanOrEqual(4);
    expect(dp!.epsilonAfter(5, 1e-5)).toBeGreaterThan(3.9);
    expect(dp!.epsilonAfter(2, 1e-5)).toBe(epsilonSpent(dp!.noiseMultiplier, 2, 1e-5));
    const agg = strategy.begin(randomWeights(1));
    agg.add(randomWeights(2), 1);
    expect(agg.finish()).toHaveLength(3);
  });

  it('takes a norm bound as a second clip of each site before the noise, never as a clip of the noisy mean', () => {
    const n = 10_000;
    // epsilon 1 over 5 rounds: noise of norm about sigma * clipNorm * sqrt(n) / sites, far above the bound
    const dp = { dp: { enabled: true, epsilon: 1, delta: 1e-5, clipNorm: 1 } };
    for (const aggregation of [{ robust: { rule: 'normbound' as const, options: { maxNorm: 0.5 } } }, { strategy: 'normbound', options: { maxNorm: 0.5 } }]) {
      const plan = parsePlan({ rounds: 5, aggregation, privacy: dp }, 'plan');
      const { strategy, dp: wrapper } = strategyFromPlan(plan, { dpSeed: 3 });
      expect(strategy.name).toBe('dp(fedavg)');
      expect(wrapper!.clipNorm).toBe(0.5);
      const agg = strategy.begin(zeros(n));
      for (let i = 0; i < 4; i++) agg.add(zeros(n), 1);
      // the noise, of std sigma * 0.5 / 4 per weight, stays as it is: not cut to a step of norm 0.5
      const noise = l2norm(agg.finish());
      expect(noise / Math.sqrt(n)).toBeCloseTo((wrapper!.noiseMultiplier * 0.5) / 4, 1);
      expect(noise).toBeGreaterThan(0.5);
    }
    // a bound above the DP clip changes nothing
    const loose = strategyFromPlan(parsePlan({ rounds: 5, aggregation: { robust: { rule: 'normbound', options: { maxNorm: 4 } } }, privacy: dp }, 'plan'));
    expect(loose.dp!.clipNorm).toBe(1);
  });

  it('strategyFromPlan composes robust rules and names unknown strategies', () => {
    const p = parsePlan({ aggregation: { strategy: 'fedadam', robust: { rule: 'trimmedmean', options: { trimFraction: 0.25 } } } }, 'p');
    expect(strategyFromPlan(p).strategy.name).toBe('trimmedmean(fedadam)');
    expect(strategyFromPlan(p).dp).toBeNull();
    expect(() => strategyFromPlan(parsePlan({ aggregation: { strategy: 'fedsgd' } }, 'p'))).toThrow(/unknown aggregation strategy "fedsgd"; known: fedavg/);
    expect(() => strategyFromPlan(parsePlan({ aggregation: { robust: { rule: 'normbound' } } }, 'p'))).toThrow(/normbound options: maxNorm/);
  });
});
