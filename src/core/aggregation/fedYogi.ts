/**
 * FedYogi — Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (after Zaheer et al.,
 * "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018).
 * Second moment as Yogi: v <- v - (1 - beta2) Δ² sign(v - Δ²): v changes additively, so it
 * cannot collapse after one small round. The engine is fedOpt.ts.
 */
import type { AggregationStrategy } from './strategy.ts';
import { fedOpt } from './fedOpt.ts';

export function fedYogi(options: unknown = {}): AggregationStrategy {
  return fedOpt('fedyogi', (v, g2, beta2) => v - (1 - beta2) * g2 * Math.sign(v - g2), options);
}
