/**
 * The federated arm: every round, each simulated site trains from the global model, the
 * update (local minus global) leaves the site the way it would over HTTP (the plan's codec,
 * encoded and decoded, with the site keeping its codec state; or, under secure aggregation,
 * masked in the field by SecAggClient and summed by SecAggServer), and the plan's strategy
 * (strategyFromPlan: base strategy, robust rule, DP-FedAvg) makes the next global model.
 * The same core code as the coordinator and the page.
 */
import type { WeightSet } from '../../core/types/weights.ts';
import type { UNet3D } from '../../core/model/unet3d.ts';
import { localStepsFor, type Plan } from '../../core/protocol/plan.ts';
import { specOf } from '../../core/protocol/weightSpec.ts';
import { strategyFromPlan } from '../../core/aggregation/strategies.ts';
import { aggregationWeight } from '../../core/aggregation/aggregationWeight.ts';
import { l2norm, subtract } from '../../core/aggregation/weightMath.ts';
import { codecForSite } from '../../core/codecs/updateCodec.ts';
import type { CodecState } from '../../core/codecs/codecTypes.ts';
import { caseSeed, DP_NOISE_STREAM, type SimulatedSite } from './simulationData.ts';
import { getAttack } from './attacks.ts';
import { beginSecureRound } from './secureRound.ts';
import { trainRound, trainingSeed } from './trainRound.ts';
import { siteStream } from './baselineArms.ts';

export interface FederatedRound {
  readonly round: number;
  /** mean over sites of their mean local training loss */
  readonly meanLoss: number;
  /** payload bytes each site uploaded, in site order */
  readonly uploadBytes: readonly number[];
  /**
   * L2 norm of each site's update as the site made it (after any attack), in site order:
   * before the codec, and under secure aggregation before the coordinate clip to
   * ±clipRange that its fixed-point encoding applies
   */
  readonly updateNorms: readonly number[];
  /**
   * Per site: ||received - update|| / ||update||, what the codec changed in this round's update
   * as the server decoded it (with error feedback, the carried residual counts as change); 0 for
   * float32, empty under secure aggregation (its fixed-point error is ~1e-9 per weight).
   */
  readonly codecErrors: readonly number[];
  /** L2 norm of the change of the global model this round */
  readonly globalStepNorm: number;
  /** (epsilon, delta)-DP spent after this round; null without DP */
  readonly epsilonSpent: number | null;
}

export interface FederatedOutcome {
  readonly weights: WeightSet;
  readonly rounds: readonly FederatedRound[];
  readonly stepsPerSite: readonly number[];
  readonly strategyName: string;
}

export interface FederatedArmOptions {
  readonly plan: Plan;
  readonly seed: number;
  readonly attack: string;
  readonly attackFactor: number;
  readonly onStep?: () => void;
  readonly onRound?: (r: FederatedRound) => void;
  /** the new global model after each round (awaited before the next round starts) */
  readonly onGlobal?: (round: number, weights: WeightSet) => Promise<void>;
}

export async function runFederatedArm(
  model: UNet3D,
  initial: WeightSet,
  sites: readonly SimulatedSite[],
  o: FederatedArmOptions,
): Promise<FederatedOutcome> {
  const { plan } = o;
  // the noise draws from a stream of its own: the run seed itself makes the initial weights
  const { strategy, dp } = strategyFromPlan(plan, { dpSeed: caseSeed(o.seed, DP_NOISE_STREAM, 0, 0) });
  // one codec per site, as each real site has its own (a seeded stochastic rounding differs by site)
  const codecs = sites.map((s) => codecForSite(plan.codec, s.id));
  const attack = getAttack(o.attack);
  const spec = specOf(initial);
  const secure = plan.privacy.secureAggregation;
  const states: (CodecState | null)[] = sites.map(() => null);
  const stepsPerSite = sites.map((s) => localStepsFor(plan, s.train.length));
  const weightOf = (s: SimulatedSite) => aggregationWeight(plan, s.train.length);
  let global = initial;
  const rounds: FederatedRound[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    const sec = secure.enabled
      ? await beginSecureRound({ round, spec, clipRange: secure.clipRange, thresholdFraction: secure.thresholdFraction, sites: sites.map((s) => ({ id: s.id, weight: weightOf(s) })) })
      : null;
    const agg = sec ? null : strategy.begin(global);
    const losses: number[] = [];
    const uploadBytes: number[] = [];
    const updateNorms: number[] = [];
    const codecErrors: number[] = [];
    for (const [i, site] of sites.entries()) {
      const trained = await trainRound(model, global, site.train, {
        plan, steps: stepsPerSite[i]!, seed: trainingSeed(o.seed, siteStream(i), round), ...(o.onStep ? { onStep: o.onStep } : {}),
      });
      losses.push(trained.summary.meanLoss);
      let update = subtract(trained.weights, global);
      if (site.malicious) update = attack(update, o.attackFactor);
      updateNorms.push(l2norm(update));
      if (sec) {
        uploadBytes.push(await sec.upload(site.id, update));
      } else {
        const codec = codecs[i]!;
        const encoded = codec.encodeWithState(update, states[i]!);
        states[i] = encoded.state;
        uploadBytes.push(encoded.bytes.length);
        const received = codec.decode(encoded.bytes, spec);
        codecErrors.push(l2norm(subtract(received, update)) / Math.max(l2norm(update), Number.MIN_VALUE));
        agg!.add(received, weightOf(site));
      }
    }
    let next: WeightSet;
    if (sec) {
      const meanDelta = await sec.finish();
      const a = strategy.begin(global);
      a.add(meanDelta, 1);
      next = a.finish();
    } else {
      next = agg!.finish();
    }
    const r: FederatedRound = {
      round,
      meanLoss: losses.reduce((s, x) => s + x, 0) / losses.length,
      uploadBytes,
      updateNorms,
      codecErrors,
      globalStepNorm: l2norm(subtract(next, global)),
      epsilonSpent: dp ? dp.epsilonAfter(round, plan.privacy.dp.delta) : null,
    };
    rounds.push(r);
    o.onRound?.(r);
    global = next;
    await o.onGlobal?.(round, global);
  }
  return { weights: global, rounds, stepsPerSite, strategyName: strategy.name };
}
