/**
 * What can be said of a site's evaluation report before the round is looked at: it is the
 * signer's, for this federation's plan, with scores in range and a case count no site can
 * exceed; and whether it is a mean over enough cases to be kept (validation.minReportCases:
 * over fewer, the "mean" is a patient's own scores).
 */
import type { MetricsReport } from '../core/protocol/messages.ts';
import type { Plan } from '../core/protocol/plan.ts';
import { REGIONS } from '../core/types/labels.ts';
import { checkPlanNamed } from './federationRefusals.ts';
import { HttpError } from './httpError.ts';

/**
 * The largest HD95 taken, in mm: ten metres, far past any scan (BraTS reports 373 mm for a
 * region one mask lacks), and small enough that no sum of sites' means overflows to
 * Infinity, which JSON could not carry to the operator's view.
 */
export const HD95_LIMIT_MM = 10_000;

/** Throws the report's refusal, or says whether it is kept ('keep') or only audited ('suppress'). */
export function checkEvaluationReport(report: MetricsReport, siteId: string, plan: Plan, planHash: string): 'keep' | 'suppress' {
  if (report.siteId !== siteId) throw new HttpError(403, 'SITE_MISMATCH', `evaluation: expected site ${siteId}, found ${report.siteId}`);
  checkPlanNamed({ federation: plan.federation, planHash }, report, 'evaluation');
  // the pooled evaluation weighs each site's means by its case count: no site may claim more cases than one can hold
  if (report.cases > plan.limits.maxSampleCount) {
    throw new HttpError(422, 'METRICS_OUT_OF_RANGE', `evaluation: expected at most ${plan.limits.maxSampleCount} cases (the plan's limits.maxSampleCount), found ${report.cases}`);
  }
  for (const r of REGIONS) {
    const d = report.dice[r];
    const h = report.hd95[r];
    if (!(d >= 0 && d <= 1) || !(h >= 0 && h <= HD95_LIMIT_MM)) {
      throw new HttpError(422, 'METRICS_OUT_OF_RANGE', `evaluation: ${r}: expected Dice in [0, 1] and HD95 in [0, ${HD95_LIMIT_MM}] mm, found Dice ${d}, HD95 ${h}`);
    }
  }
  return report.cases < plan.validation.minReportCases ? 'suppress' : 'keep';
}
