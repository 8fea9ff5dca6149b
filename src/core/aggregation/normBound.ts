/**
 * Norm bounding — Sun, Kairouz, Suresh, McMahan, "Can You Really Backdoor Federated
 * Learning?", 2019 (arXiv:1911.07963).
 *
 * A wrapper: each update's L2 norm is clipped to maxNorm before the inner strategy sees it,
 * so no single site can move the model further than maxNorm times its weight share.
 * Streaming (clipping needs one update at a time).
 */
import { z } from 'zod';
import type { AggregationStrategy } from './strategy.ts';
import { parseStrategyOptions } from './strategyOptions.ts';
import { clipToNorm } from './weightMath.ts';

export const NormBoundOptionsSchema = z.strictObject({
  maxNorm: z.number({ error: 'expected maxNorm: the L2 bound of one update, a number > 0' }).positive().finite(),
});

/** The bound of a normbound rule's options (checked). */
export function maxNormOf(options: unknown): number {
  return parseStrategyOptions(NormBoundOptionsSchema, options, 'normbound').maxNorm;
}

export function normBound(inner: AggregationStrategy, options: unknown): AggregationStrategy {
  const maxNorm = maxNormOf(options);
  return {
    name: `normbound(${inner.name})`,
    begin(global) {
      const agg = inner.begin(global);
      return {
        add: (update, weight) => agg.add(clipToNorm(update, maxNorm).clipped, weight),
        get count() {
          return agg.count;
        },
        finish: () => agg.finish(),
      };
    },
    exportState: () => inner.exportState(),
    importState: (s) => inner.importState(s),
  };
}
