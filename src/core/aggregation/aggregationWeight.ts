/**
 * The weight an update carries into the mean, by the plan's aggregation.weighting: the
 * site's training-case count (FedAvg as published: a site's share of the pooled data) or 1
 * for every site (a large site cannot outvote the others; the mean then favours no
 * site's scanner over another's). One function, used by the coordinator, the page's secure
 * upload and the simulator, so they cannot disagree.
 */
import type { Plan } from '../protocol/plan.ts';

export function aggregationWeight(plan: Pick<Plan, 'aggregation'>, sampleCount: number): number {
  return plan.aggregation.weighting === 'equal' ? 1 : Math.max(1, sampleCount);
}
