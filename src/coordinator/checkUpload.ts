/**
 * The checks of a plain update that need nothing of the federation's state but its plan,
 * model and current global weights, in the two stages the coordinator runs them (docs/api.md
 * lists the refusals): `readUpload` before it looks for an earlier copy of the upload or at
 * the open round, `decodeUpload` after. Pure: a refused update changes nothing.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { UpdateMeta } from '../core/protocol/messages.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { checkLocalModelFinite, checkWeights } from '../core/protocol/weightSpec.ts';
import { checkUpdateContext, decodeUpdateEnvelope } from '../core/protocol/updateEnvelope.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { HttpError } from './httpError.ts';
import { checkPlanNamed } from './federationRefusals.ts';
import type { FederationAlgorithms } from './federationAlgorithms.ts';

export interface UploadPlan {
  readonly plan: Plan;
  readonly planHash: string;
}

/**
 * The envelope read within the plan's size limit, for the round its path names, from the site
 * that signed it, under this plan; a plain update is refused when the plan runs secure
 * aggregation.
 */
export async function readUpload(
  envelope: Uint8Array, siteId: string, pathRound: number | undefined, { plan, planHash }: UploadPlan,
): Promise<{ meta: UpdateMeta; payload: Uint8Array }> {
  const { meta, payload } = await decodeUpdateEnvelope(envelope, { maxBytes: plan.limits.maxUpdateBytes });
  if (pathRound !== undefined && meta.round !== pathRound) {
    throw new HttpError(400, 'ROUND_PATH_MISMATCH', `update: the path names round ${pathRound}, the update round ${meta.round}`);
  }
  if (plan.privacy.secureAggregation.enabled) {
    throw new HttpError(409, 'SECAGG_REQUIRED', 'update: this federation runs secure aggregation; send the masked input to /rounds/<round>/secagg/masked instead of a plain update');
  }
  if (meta.siteId !== siteId) throw new HttpError(403, 'UPDATE_SITE_MISMATCH', `update: expected site ${siteId}, found ${meta.siteId}`);
  checkPlanNamed({ federation: plan.federation, planHash }, meta, 'update');
  return { meta, payload };
}

/**
 * The update's delta, once its metadata fits the open round (`round`, trained from the global
 * model `baseModelHash`) and the plan's codec and limits, and its weights the model's spec;
 * with the global weights, the local model it makes must be finite.
 */
export function decodeUpload(
  meta: UpdateMeta,
  payload: Uint8Array,
  ctx: UploadPlan & {
    readonly spec: WeightSpec;
    readonly algorithms: Pick<FederationAlgorithms, 'decodeUpdate'>;
    readonly round: number;
    readonly baseModelHash: string;
    readonly globalWeights: WeightSet | null;
  },
): WeightSet {
  const { plan } = ctx;
  checkUpdateContext(meta, {
    federation: plan.federation, planHash: ctx.planHash, round: ctx.round, baseModelHash: ctx.baseModelHash,
    siteId: meta.siteId, codecName: plan.codec.name, secureAggregation: plan.privacy.secureAggregation.enabled,
    maxSampleCount: plan.limits.maxSampleCount,
  });
  const delta = ctx.algorithms.decodeUpdate(payload, ctx.spec);
  checkWeights(delta, ctx.spec, 'UPDATE', 'update');
  if (ctx.globalWeights) checkLocalModelFinite(ctx.globalWeights, delta, 'update');
  return delta;
}
