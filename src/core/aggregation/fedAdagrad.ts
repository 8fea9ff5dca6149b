/**
 * FedAdagrad — Reddi et al., "Adaptive Federated Optimization", ICLR 2021.
 * Second moment as Adagrad: v <- v + Δ² (beta2 unused). The engine is fedOpt.ts.
 */
import type { AggregationStrategy } from './strategy.ts';
import { fedOpt } from './fedOpt.ts';

export function fedAdagrad(options: unknown = {}): AggregationStrategy {
  return fedOpt('fedadagrad', (v, g2) => v + g2, options);
}
