import { describe, expect, it } from 'vitest';
import { parsePlan } from '../protocol/plan.ts';
import { aggregationWeight, claimedSampleCount } from './aggregationWeight.ts';
import { fedAvg } from './fedAvg.ts';
import type { WeightSet } from '../types/weights.ts';

const w = (v: number): WeightSet => [{ name: 'k', shape: [1], values: new Float32Array([v]) }];

function meanOf(weighting: 'samples' | 'equal', sites: readonly { delta: number; cases: number }[]): number {
  const plan = parsePlan({ aggregation: { weighting } }, 'plan.json');
  const agg = fedAvg().begin(w(0));
  for (const s of sites) agg.add(w(s.delta), aggregationWeight(plan, s.cases));
  return agg.finish()[0]!.values[0]!;
}

describe('aggregationWeight', () => {
  it('weighs by case count by default, and 1 per site under equal weighting', () => {
    const plan = parsePlan({}, 'plan.json');
    expect(plan.aggregation.weighting).toBe('samples');
    expect(aggregationWeight(plan, 24)).toBe(24);
    expect(aggregationWeight(plan, 0)).toBe(1);
    expect(aggregationWeight(parsePlan({ aggregation: { weighting: 'equal' } }, 'plan.json'), 24)).toBe(1);
  });

  it('counts a site for at most the plan\'s limits.maxSampleCount cases', () => {
    const capped = parsePlan({ limits: { maxSampleCount: 10 } }, 'plan.json');
    expect(aggregationWeight(capped, 24)).toBe(10);
    expect(claimedSampleCount(capped, 24)).toBe(10);
    expect(claimedSampleCount(capped, 0)).toBe(1);
    expect(aggregationWeight(parsePlan({}, 'plan.json'), 6314)).toBe(6314); // the default cap is above any one site
  });

  it('makes FedAvg the case-weighted mean or the plain mean of the sites', () => {
    const sites = [{ delta: 1, cases: 3 }, { delta: 5, cases: 1 }];
    expect(meanOf('samples', sites)).toBeCloseTo(2, 6); // (3*1 + 1*5) / 4
    expect(meanOf('equal', sites)).toBeCloseTo(3, 6); // (1 + 5) / 2
  });

  it('refuses an unknown weighting, naming the choices', () => {
    expect(() => parsePlan({ aggregation: { weighting: 'uniform' } }, 'plan.json')).toThrow(
      'plan.json: aggregation.weighting: expected one of "samples", "equal", found "uniform"',
    );
  });
});
