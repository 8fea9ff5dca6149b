/**
 * DP-FedAvg — McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private Recurrent
 * Language Models", ICLR 2018: site-level differential privacy.
 *
 * A wrapper around any strategy: each site's update is clipped to L2 norm clipNorm, the
 * clipped updates are summed with EQUAL weights (sample counts would raise one site's
 * influence above the clip), Gaussian noise N(0, (noiseMultiplier * clipNorm)^2) is added to
 * each coordinate of the sum, the sum is divided by the number of contributing sites
 * (treated as public: the coordinator knows who reported), and the inner strategy takes that
 * noisy mean as one update (so DP-FedAdam etc. come for free). Adding or removing one site
 * changes the sum by at most clipNorm, so each round is a Gaussian mechanism with noise
 * multiplier sigma; rdpAccountant.ts composes the rounds. Streaming: one running sum.
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { specOf } from '../protocol/weightSpec.ts';
import { RunningWeightedSum } from '../aggregation/runningWeightedSum.ts';
import type { AggregationStrategy, Aggregator } from '../aggregation/strategy.ts';
import { checkUpdate, emptyRound, finishedTwice } from '../aggregation/strategy.ts';
import { parseStrategyOptions } from '../aggregation/strategyOptions.ts';
import { clipToNorm } from '../aggregation/weightMath.ts';
import { addGaussianNoise, cryptoUniform, seededUniform } from './gaussianNoise.ts';
import { epsilonSpent } from './rdpAccountant.ts';

export const DpOptionsSchema = z.strictObject({
  clipNorm: z.number().positive().finite(),
  /** noise std / clipNorm; noiseMultiplierFor(epsilon, delta, rounds) gives it from a budget */
  noiseMultiplier: z.number().nonnegative().finite(),
  /** TESTS AND SIMULATION ONLY: a seeded noise source (predictable noise is not private) */
  seed: z.number().int().optional(),
});
export type DpOptions = z.output<typeof DpOptionsSchema>;

export interface DpStrategy extends AggregationStrategy {
  readonly clipNorm: number;
  readonly noiseMultiplier: number;
  /** epsilon spent after `roundsDone` aggregated rounds at `delta` */
  epsilonAfter(roundsDone: number, delta: number): number;
}

/** Aggregator that sums clipped updates and adds noise at finish. */
class DpAggregator implements Aggregator {
  private readonly sum: RunningWeightedSum;
  private done = false;
  constructor(
    private readonly global: WeightSet,
    private readonly inner: AggregationStrategy,
    private readonly o: DpOptions,
    private readonly uniform: () => number,
    private readonly who: string,
  ) {
    this.sum = new RunningWeightedSum(specOf(global));
  }
  add(update: WeightSet, weight: number): void {
    if (this.done) throw finishedTwice(this.who);
    checkUpdate(update, weight, specOf(this.global), this.who);
    this.sum.add(clipToNorm(update, this.o.clipNorm).clipped, 1);
  }
  get count(): number {
    return this.sum.count;
  }
  finish(): WeightSet {
    if (this.done) throw finishedTwice(this.who);
    if (this.sum.count === 0) throw emptyRound(this.who);
    this.done = true;
    const std = this.o.noiseMultiplier * this.o.clipNorm;
    if (std > 0) for (const s of this.sum.sums()) addGaussianNoise(s, std, this.uniform);
    const agg = this.inner.begin(this.global);
    agg.add(this.sum.mean(this.sum.count), 1);
    return agg.finish();
  }
}

export function dpFedAvg(inner: AggregationStrategy, options: unknown): DpStrategy {
  const o = parseStrategyOptions(DpOptionsSchema, options, 'dp');
  const uniform = o.seed === undefined ? cryptoUniform() : seededUniform(o.seed);
  const name = `dp(${inner.name})`;
  return {
    name,
    clipNorm: o.clipNorm,
    noiseMultiplier: o.noiseMultiplier,
    epsilonAfter: (roundsDone, delta) => epsilonSpent(o.noiseMultiplier, roundsDone, delta),
    begin: (global) => new DpAggregator(global, inner, o, uniform, name),
    exportState: () => inner.exportState(),
    importState: (s) => inner.importState(s),
  };
}
