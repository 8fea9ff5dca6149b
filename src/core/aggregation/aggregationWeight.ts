/**
 * The weight an update carries into the mean, by the plan's aggregation.weighting: the
 * site's training-case count (FedAvg as published: a site's share of the pooled data) or 1
 * for every site (a large site cannot outvote the others; the mean then favours no
 * site's scanner over another's). One function, used by the coordinator, the page's secure
 * upload and the simulator, so they cannot disagree.
 */
import type { Plan } from '../protocol/plan.ts';

export function aggregationWeight(plan: Pick<Plan, 'aggregation' | 'limits'>, sampleCount: number): number {
  return plan.aggregation.weighting === 'equal' ? 1 : claimedSampleCount(plan, sampleCount);
}

/** The case count a site with `cases` training cases claims in its update: at least 1, at most the plan's limits.maxSampleCount. */
export function claimedSampleCount(plan: Pick<Plan, 'limits'>, cases: number): number {
  return Math.min(plan.limits.maxSampleCount, Math.max(1, cases));
}
