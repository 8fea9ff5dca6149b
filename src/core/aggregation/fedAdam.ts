/**
 * FedAdam — Reddi et al., "Adaptive Federated Optimization", ICLR 2021.
 * Second moment as Adam: v <- beta2 v + (1 - beta2) Δ². The engine is fedOpt.ts.
 */
import type { AggregationStrategy } from './strategy.ts';
import { fedOpt } from './fedOpt.ts';

export function fedAdam(options: unknown = {}): AggregationStrategy {
  return fedOpt('fedadam', (v, g2, beta2) => beta2 * v + (1 - beta2) * g2, options);
}
