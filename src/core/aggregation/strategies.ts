/**
 * The aggregation registries, as data, and the one way to build a plan's strategy:
 * base strategy (STRATEGIES) -> robust rule (ROBUST_RULES) -> DP-FedAvg when plan.privacy.dp
 * is on. The coordinator and the simulator both call strategyFromPlan.
 */
import type { Plan, RobustRule } from '../protocol/plan.ts';
import { lookup } from '../util/errors.ts';
import { dpFedAvg } from '../privacy/dpFedAvg.ts';
import type { DpStrategy } from '../privacy/dpFedAvg.ts';
import { noiseMultiplierFor } from '../privacy/rdpAccountant.ts';
import type { AggregationStrategy } from './strategy.ts';
import { median } from './coordinateMedian.ts';
import { fedAdagrad } from './fedAdagrad.ts';
import { fedAdam } from './fedAdam.ts';
import { fedAvg } from './fedAvg.ts';
import { fedProx } from './fedProx.ts';
import { fedYogi } from './fedYogi.ts';
import { maxNormOf, normBound } from './normBound.ts';
import { trimmedMean } from './trimmedMean.ts';

/** Base strategies by plan name (aggregation.strategy); each validates its options. */
export const STRATEGIES: Readonly<Record<string, (options: unknown) => AggregationStrategy>> = {
  fedavg: (o) => fedAvg(o),
  fedprox: (o) => fedProx(o),
  fedadam: (o) => fedAdam(o),
  fedyogi: (o) => fedYogi(o),
  fedadagrad: (o) => fedAdagrad(o),
  /** robust rules over FedAvg, for use as a base strategy by name */
  median: (o) => median(fedAvg(), o),
  trimmedmean: (o) => trimmedMean(fedAvg(), o),
  normbound: (o) => normBound(fedAvg(), o),
};

/** Robust rules by plan name (aggregation.robust.rule), wrapping the base strategy. */
export const ROBUST_RULES: Readonly<Record<RobustRule, (inner: AggregationStrategy, options: unknown) => AggregationStrategy>> = {
  none: (inner) => inner,
  normbound: normBound,
  median,
  trimmedmean: trimmedMean,
};

export interface PlanStrategy {
  readonly strategy: AggregationStrategy;
  /** present when plan.privacy.dp.enabled */
  readonly dp: DpStrategy | null;
}

/**
 * The plan's full strategy. Unknown names fail with UNKNOWN_AGGREGATION_STRATEGY (listing
 * the known ones), bad options with STRATEGY_OPTIONS_INVALID. `dpSeed` is for tests and
 * simulations only.
 */
export function strategyFromPlan(plan: Plan, opts: { dpSeed?: number } = {}): PlanStrategy {
  const a = plan.aggregation;
  const base = lookup(STRATEGIES, a.strategy, 'aggregation strategy')(a.options);
  const d = plan.privacy.dp;
  if (!d.enabled) return { strategy: lookup(ROBUST_RULES, a.robust.rule, 'robust rule')(base, a.robust.options), dp: null };
  // Under DP a norm bound is a second clip of each site's update: DP clips to the smaller bound
  // before its noise. As a wrapper inside DP it would clip the noisy mean instead, cutting the
  // signal with the noise. (The plan refuses a median or trimmed mean with DP.)
  const bounds: number[] = [];
  let inner: AggregationStrategy = base;
  if (a.strategy === 'normbound') {
    bounds.push(maxNormOf(a.options));
    inner = fedAvg();
  }
  if (a.robust.rule === 'normbound') bounds.push(maxNormOf(a.robust.options));
  else inner = lookup(ROBUST_RULES, a.robust.rule, 'robust rule')(inner, a.robust.options);
  const dp = dpFedAvg(inner, {
    clipNorm: Math.min(d.clipNorm, ...bounds),
    noiseMultiplier: noiseMultiplierFor(d.epsilon, d.delta, plan.rounds),
    ...(opts.dpSeed === undefined ? {} : { seed: opts.dpSeed }),
  });
  return { strategy: dp, dp };
}
