/**
 * A site's federated loop, platform-free (the Node collaborator runs it; the page's
 * Worker can too): for each round, fetch the global model (cached by hash), evaluate it
 * on the local validation cases and report the metrics (federated evaluation), train
 * locally, encode the delta with the plan's codec, upload it signed (retried,
 * idempotent), then wait for the next round. Under secure aggregation the update is not
 * uploaded as such: secureUpload.ts runs the key exchange and uploads the masked input. Once the federation finished, the final
 * model is evaluated and reported, and the loop ends.
 */
import type { CaseList } from '../../train/caseSet.ts';
import type { RegionScores } from '../../types/labels.ts';
import type { WeightSet } from '../../types/weights.ts';
import { REGIONS } from '../../types/labels.ts';
import { getPreset } from '../../model/modelPresets.ts';
import { UNet3D } from '../../model/unet3d.ts';
import { trainLocal, type TrainSummary } from '../../train/localTrainer.ts';
import { evaluateModel } from '../../train/evaluateModel.ts';
import { codecForSite } from '../../codecs/updateCodec.ts';
import { aggregationWeight, claimedSampleCount } from '../../aggregation/aggregationWeight.ts';
import type { CodecState } from '../../codecs/codecTypes.ts';
import { localStepsFor, type Plan } from '../plan.ts';
import type { RoundStatus } from '../messages.ts';
import { decodeWeightsBlob } from '../weightsBlob.ts';
import { encodeUpdateEnvelope } from '../updateEnvelope.ts';
import type { ProtocolClient } from './protocolClient.ts';
import { ProtocolError } from './protocolError.ts';
import { FedsegError } from '../../util/errors.ts';
import { secureUpload, type UnmaskRecord } from './secureUpload.ts';
import { requireFiniteUpdate } from '../../train/requireFiniteUpdate.ts';
import { untilReachable } from './untilReachable.ts';

/** A site's cases: arrays in memory, or CaseSets that load each case when needed (caseSet.ts). */
export interface SiteData<L extends CaseList = CaseList> {
  readonly train: L;
  readonly validation: L;
}

export type SiteEvent =
  | { readonly kind: 'round'; readonly status: RoundStatus }
  /** `reported`: sent to the coordinator; false when fewer than the plan's validation.minReportCases cases made the scores */
  | { readonly kind: 'evaluated'; readonly round: number; readonly cases: number; readonly dice: RegionScores; readonly hd95: RegionScores; readonly reported: boolean }
  | { readonly kind: 'training'; readonly round: number; readonly step: number; readonly steps: number; readonly loss: number }
  | { readonly kind: 'uploaded'; readonly round: number; readonly bytes: number; readonly status: 'accepted' | 'duplicate'; readonly summary: TrainSummary }
  /** `what`: the request refused (the round's evaluation report, or its update) */
  | { readonly kind: 'refused'; readonly round: number; readonly what: 'evaluation' | 'update'; readonly code: string; readonly message: string }
  /** this site sends nothing for the round: its local training diverged (TRAINING_DIVERGED); it takes part again in the next */
  | { readonly kind: 'skipped'; readonly round: number; readonly code: string; readonly message: string }
  /** the coordinator cannot be reached, is overloaded or failed: the site tries again in retryInMs */
  | { readonly kind: 'offline'; readonly what: string; readonly message: string; readonly retryInMs: number }
  | { readonly kind: 'finished'; readonly finalModel: string };

export interface RunSiteOptions {
  readonly client: ProtocolClient;
  readonly plan: Plan;
  readonly planHash: string;
  readonly data: SiteData;
  /** seed of local sampling; each round adds its number */
  readonly seed?: number;
  readonly onEvent?: (e: SiteEvent) => void;
  readonly signal?: { readonly aborted: boolean };
  /** stop (as if the site dropped out) before training this round */
  readonly stopBeforeTrainingRound?: number;
  /** secure aggregation: stop (as if the site dropped out) right after uploading the masked input of this round */
  readonly stopAfterMaskedRound?: number;
  /** sees each round's update as trained, before it is encoded or masked (for tests and audits) */
  readonly inspectUpdate?: (round: number, delta: WeightSet) => void;
  /** long-poll wait per request, seconds */
  readonly pollSeconds?: number;
  /** the site already sent its update for this round (a resumed site): start by waiting for the next one */
  readonly afterRound?: number;
  /** secure aggregation: the latest round this site answered an unmask request in, across its restarts */
  readonly unmaskRecord?: UnmaskRecord;
  /** called before anything computed here is sent (an evaluation report, a trained update): throws to send nothing (the page: a GPU fault reported late) */
  readonly beforeSend?: (round: number) => Promise<void>;
}

export interface RunSiteResult {
  /** rounds this site uploaded an update for */
  readonly roundsTrained: number[];
  /** final model hash, when the federation finished while the site ran */
  readonly finalModel: string | null;
  readonly stoppedEarly: boolean;
}

export async function runSite(opts: RunSiteOptions): Promise<RunSiteResult> {
  const { client, plan, planHash, data } = opts;
  const siteId = client.credentials?.siteId;
  if (!siteId) throw new ProtocolError(0, 'NOT_JOINED', 'runSite: the client has no site credentials; join first');
  const emit = opts.onEvent ?? (() => undefined);
  const codec = codecForSite(plan.codec, siteId);
  const model = UNet3D.create(getPreset(plan.model.preset), plan.model.seed);
  const spec = model.weightSpec();
  const roundsTrained: number[] = [];
  let lastDone = opts.afterRound ?? 0;
  let evaluated = -1;
  let codecState: CodecState | null = null; // error feedback of stateful codecs (top-k, int4), kept by the site
  // an outage of the coordinator (a restart, a proxy, the network) is waited out, not fatal
  const reach = <T>(what: string, request: () => Promise<T>) =>
    untilReachable(what, request, { ...(opts.signal ? { signal: opts.signal } : {}), onWait: (w, e, retryInMs) => emit({ kind: 'offline', what: w, message: e.message, retryInMs }) });
  try {
    // a site that pressed Stop before is waited for again from now on
    await reach('participation', () => client.setParticipation(true));
    for (;;) {
      if (opts.signal?.aborted) return { roundsTrained, finalModel: null, stoppedEarly: true };
      const status = await reach('round status', () => (lastDone === 0 ? client.round() : client.waitForRound(lastDone, opts.pollSeconds ?? 30)));
      if (status.planHash !== planHash) {
        throw new ProtocolError(200, 'PLAN_CHANGED', `the coordinator now runs plan ${status.planHash}; this site joined plan ${planHash}`);
      }
      if (!status.finished && status.round <= lastDone) continue; // long poll timed out
      emit({ kind: 'round', status });
      const global = decodeWeightsBlob(await reach('global model', () => client.model(status.globalModelHash)), { expected: spec, kind: 'MODEL', source: `global model ${status.globalModelHash}` });
      model.setWeights(global);

      if (evaluated !== status.round && data.validation.length > 0) {
        evaluated = status.round;
        const ev = await evaluateModel(model, data.validation, opts.signal ? { signal: opts.signal } : {});
        const scored = ev.cases > 0 && REGIONS.every((r) => Number.isFinite(ev.dice[r]) && Number.isFinite(ev.hd95[r]));
        // scores of fewer cases than the plan's minimum stay here: they would be a patient's own
        const report = scored && ev.cases >= plan.validation.minReportCases;
        if (report) await opts.beforeSend?.(status.round);
        if (scored) emit({ kind: 'evaluated', round: status.round, cases: ev.cases, dice: ev.dice, hd95: ev.hd95, reported: report });
        if (report) {
          const reported = await tolerateRefusal(emit, status.round, 'evaluation', () =>
            reach('evaluation report', () => client.reportEvaluation({
              federation: plan.federation, planHash, round: status.round, siteId, modelHash: status.globalModelHash,
              cases: ev.cases, dice: ev.dice, hd95: ev.hd95,
            })),
          );
          // refused as closed, closing or for another model: the round is over, its update would be refused too
          if (reported === null && !status.finished) {
            lastDone = status.round;
            continue;
          }
        }
      }
      if (status.finished) {
        emit({ kind: 'finished', finalModel: status.globalModelHash });
        return { roundsTrained, finalModel: status.globalModelHash, stoppedEarly: false };
      }
      if (opts.stopBeforeTrainingRound !== undefined && status.round >= opts.stopBeforeTrainingRound) {
        return { roundsTrained, finalModel: null, stoppedEarly: true };
      }

      const started = Date.now();
      let trained: { summary: TrainSummary; delta: WeightSet };
      try {
        trained = await trainRound(model, global, plan, data, (opts.seed ?? 0) + status.round, opts.signal, (step, steps, loss) =>
          emit({ kind: 'training', round: status.round, step, steps, loss }));
      } catch (e) {
        // a diverged round ends neither the participation nor the federation: its sampling
        // seed would diverge the same way after a restart, so the site sits this round out
        if (!(e instanceof FedsegError) || e.code !== 'TRAINING_DIVERGED') throw e;
        emit({ kind: 'skipped', round: status.round, code: e.code, message: e.message });
        lastDone = status.round;
        continue;
      }
      const { summary, delta } = trained;
      opts.inspectUpdate?.(status.round, delta);
      await opts.beforeSend?.(status.round);
      if (plan.privacy.secureAggregation.enabled) {
        const stop = opts.stopAfterMaskedRound !== undefined && status.round >= opts.stopAfterMaskedRound;
        const sec = await tolerateRefusal(emit, status.round, 'update', () =>
          secureUpload({
            client, siteId, round: status.round, weight: aggregationWeight(plan, data.train.length), delta, stopAfterMasked: stop,
            ...(opts.pollSeconds !== undefined ? { pollSeconds: opts.pollSeconds } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
            ...(opts.unmaskRecord ? { record: opts.unmaskRecord } : {}),
            reach,
          }),
        );
        if (sec) {
          roundsTrained.push(status.round);
          emit({ kind: 'uploaded', round: status.round, bytes: sec.bytes, status: sec.status, summary });
        }
        if (stop) return { roundsTrained, finalModel: null, stoppedEarly: true };
        lastDone = status.round;
        continue;
      }
      const encoded = codec.encodeWithState(delta, codecState);
      codecState = encoded.state;
      const payload = encoded.bytes;
      const { bytes } = await encodeUpdateEnvelope(
        {
          federation: plan.federation, planHash, round: status.round, siteId, baseModelHash: status.globalModelHash,
          sampleCount: claimedSampleCount(plan, data.train.length), codec: { name: plan.codec.name, options: plan.codec.options },
          localMetrics: { steps: summary.steps, meanLoss: summary.meanLoss, lastLoss: summary.lastLoss, durationMs: Date.now() - started },
          secureAggregation: false,
        },
        payload,
      );
      const ok = await tolerateRefusal(emit, status.round, 'update', () => reach('update upload', () => client.uploadUpdate(status.round, bytes)));
      if (ok) {
        roundsTrained.push(status.round);
        emit({ kind: 'uploaded', round: status.round, bytes: bytes.length, status: ok.status, summary });
      }
      lastDone = status.round;
    }
  } finally {
    model.dispose();
  }
}

/**
 * One round's local training from the global model: the plan's steps, optimiser and
 * sampling; the update (local - global), refused as TRAINING_DIVERGED when not finite
 * (the trainer already checks the loss; a weight can overflow with a finite loss).
 */
async function trainRound(
  model: UNet3D, global: WeightSet, plan: Plan, data: SiteData, seed: number, signal: { readonly aborted: boolean } | undefined,
  onStep: (step: number, steps: number, loss: number) => void,
): Promise<{ summary: TrainSummary; delta: WeightSet }> {
  const gen = trainLocal(model, data.train, {
    steps: localStepsFor(plan, data.train.length), batchSize: plan.training.batchSize, optimizer: plan.training.optimizer,
    learningRate: plan.training.learningRate, seed, proximalMu: plan.training.proximalMu, foregroundFraction: plan.training.foregroundFraction,
    ...(signal ? { signal } : {}),
  });
  let r = await gen.next();
  while (!r.done) {
    onStep(r.value.step, r.value.steps, r.value.loss);
    r = await gen.next();
  }
  const delta = requireFiniteUpdate(subtract(await model.getWeights(), global), r.value.steps, plan.training.learningRate);
  return { summary: r.value, delta };
}

/** local - global, tensor by tensor */
export function subtract(local: WeightSet, global: WeightSet): WeightSet {
  return local.map((t, i) => {
    const g = global[i]!.values;
    const values = new Float32Array(t.values.length);
    for (let k = 0; k < values.length; k++) values[k] = t.values[k]! - g[k]!;
    return { name: t.name, shape: t.shape, values };
  });
}

/**
 * Refusals that mean "this round is over for this site": it closed or is closing under
 * us, or (after a restart of the site) it already holds this site's update.
 */
const TOLERATED = new Set([
  'ROUND_CLOSED', 'ROUND_AGGREGATING', 'MODEL_MISMATCH', 'UPDATE_WRONG_ROUND', 'UPDATE_CONFLICT',
  // secure aggregation: the round's key exchange went on without this site (it came too late)
  'SECAGG_PHASE', 'SECAGG_NOT_IN_ROUND', 'SECAGG_DUPLICATE',
  // this site would not unmask a second sum of the round's updates over other sites (secureUpload)
  'SECAGG_REFUSED',
]);

/** A round that closed under us is not an error for the loop: note it and go on. */
async function tolerateRefusal<T>(emit: (e: SiteEvent) => void, round: number, what: 'evaluation' | 'update', fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ProtocolError && TOLERATED.has(e.code)) {
      emit({ kind: 'refused', round, what, code: e.code, message: e.message });
      return null;
    }
    throw e;
  }
}
