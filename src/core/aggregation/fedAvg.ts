/**
 * FedAvg — McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data", AISTATS 2017.
 *
 * The new global model is the global plus the weighted mean of the sites' deltas, times an
 * optional server learning rate (1 by default = plain FedAvg). The weights come from the
 * plan's aggregation.weighting (aggregationWeight: case counts, or 1 per site). Streaming:
 * one float64 running sum, so memory is about two models whatever the number of sites.
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { specOf } from '../protocol/weightSpec.ts';
import { RunningWeightedSum } from './runningWeightedSum.ts';
import type { AggregationStrategy, Aggregator } from './strategy.ts';
import { checkUpdate, emptyRound, finishedTwice } from './strategy.ts';
import { parseStrategyOptions } from './strategyOptions.ts';

export const FedAvgOptionsSchema = z.strictObject({
  /** step along the mean delta; 1 = FedAvg as published */
  serverLearningRate: z.number().positive().finite().default(1),
});
export type FedAvgOptions = z.output<typeof FedAvgOptionsSchema>;

/** A weighted-mean aggregator that hands the mean delta to `apply` at finish. */
export class MeanDeltaAggregator implements Aggregator {
  private readonly sum: RunningWeightedSum;
  private done = false;
  constructor(
    private readonly global: WeightSet,
    private readonly who: string,
    private readonly apply: (global: WeightSet, meanDelta: WeightSet) => WeightSet,
  ) {
    this.sum = new RunningWeightedSum(specOf(global));
  }
  add(update: WeightSet, weight: number): void {
    if (this.done) throw finishedTwice(this.who);
    checkUpdate(update, weight, specOf(this.global), this.who);
    this.sum.add(update, weight);
  }
  get count(): number {
    return this.sum.count;
  }
  finish(): WeightSet {
    if (this.done) throw finishedTwice(this.who);
    if (this.sum.count === 0) throw emptyRound(this.who);
    this.done = true;
    return this.apply(this.global, this.sum.mean());
  }
}

/** global + lr * delta, float32 */
export function stepAlong(global: WeightSet, delta: WeightSet, lr: number): WeightSet {
  return global.map((t, i) => {
    const d = delta[i]!.values;
    const out = new Float32Array(t.values.length);
    for (let k = 0; k < out.length; k++) out[k] = t.values[k]! + lr * d[k]!;
    return { name: t.name, shape: t.shape, values: out };
  });
}

export function fedAvg(options: unknown = {}, name = 'fedavg'): AggregationStrategy {
  const { serverLearningRate } = parseStrategyOptions(FedAvgOptionsSchema, options, name);
  return {
    name,
    begin: (global) => new MeanDeltaAggregator(global, name, (g, mean) => stepAlong(g, mean, serverLearningRate)),
    exportState: () => [],
    importState: () => {},
  };
}
