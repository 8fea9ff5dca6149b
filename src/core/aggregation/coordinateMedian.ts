/**
 * Coordinate-wise median — Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018.
 *
 * Each coordinate of the robust delta is the median of the sites' values (the mean of the
 * two middle ones for an even count): fewer than half the sites cannot drag it outside the
 * honest values' range. Holds all N updates in memory (bufferedRobust.ts).
 */
import type { WeightSet } from '../types/weights.ts';
import type { AggregationStrategy } from './strategy.ts';
import { bufferedRobust, reduceCoordinates } from './bufferedRobust.ts';
import { parseStrategyOptions } from './strategyOptions.ts';
import { z } from 'zod';

export function coordinateMedian(updates: readonly WeightSet[]): WeightSet {
  return reduceCoordinates(updates, (s) => {
    const n = s.length;
    const h = n >> 1;
    return n % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  });
}

export function median(inner: AggregationStrategy, options: unknown = {}): AggregationStrategy {
  parseStrategyOptions(z.strictObject({}), options, 'median');
  return bufferedRobust('median', inner, coordinateMedian);
}
