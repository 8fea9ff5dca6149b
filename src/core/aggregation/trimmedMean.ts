/**
 * Coordinate-wise trimmed mean — Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust
 * Distributed Learning: Towards Optimal Statistical Rates", ICML 2018.
 *
 * Per coordinate, drop the k largest and k smallest values and average the rest, with
 * k = ceil(trimFraction * n), lowered so that at least one value remains (with n = 3 and
 * k = 1 it is the median). Holds all N updates in memory (bufferedRobust.ts).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import type { AggregationStrategy } from './strategy.ts';
import { bufferedRobust, reduceCoordinates } from './bufferedRobust.ts';
import { parseStrategyOptions } from './strategyOptions.ts';

export const TrimmedMeanOptionsSchema = z.strictObject({
  /** share of sites trimmed at EACH end, rounded up */
  trimFraction: z.number().gt(0).lt(0.5, { error: 'expected trimFraction in (0, 0.5)' }).default(0.1),
});

/** Values trimmed at each end for n updates. */
export function trimCount(n: number, trimFraction: number): number {
  // less a hair: 0.28 * 25 is 7.000000000000001 in floating point, and trims 7, not 8
  return Math.max(0, Math.min(Math.ceil(trimFraction * n - 1e-9), Math.floor((n - 1) / 2)));
}

export function trimmedMeanOf(updates: readonly WeightSet[], trimFraction: number): WeightSet {
  const k = trimCount(updates.length, trimFraction);
  return reduceCoordinates(updates, (s) => {
    let sum = 0;
    for (let j = k; j < s.length - k; j++) sum += s[j]!;
    return sum / (s.length - 2 * k);
  });
}

export function trimmedMean(inner: AggregationStrategy, options: unknown = {}): AggregationStrategy {
  const { trimFraction } = parseStrategyOptions(TrimmedMeanOptionsSchema, options, 'trimmedmean');
  return bufferedRobust('trimmedmean', inner, (u) => trimmedMeanOf(u, trimFraction));
}
