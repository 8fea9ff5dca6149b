/**
 * FedProx — Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in
 * Heterogeneous Networks", MLSys 2020.
 *
 * FedProx changes the sites' local objective (a proximal term mu/2 ||w - w_global||^2, in
 * the trainer: TrainOptions.proximalMu from plan.training.proximalMu); the server side is
 * FedAvg's weighted mean, which this strategy is, under its own name.
 */
import type { AggregationStrategy } from './strategy.ts';
import { fedAvg } from './fedAvg.ts';

export function fedProx(options: unknown = {}): AggregationStrategy {
  return fedAvg(options, 'fedprox');
}
