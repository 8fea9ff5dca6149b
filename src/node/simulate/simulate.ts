/**
 * A whole federation in one process: synthetic non-IID sites, the federated model (the
 * plan's strategy, codec and privacy, as the coordinator runs them), a centralized model
 * on the pooled data with the same total steps, and each site's local-only model; all
 * evaluated on one held-out test set drawn from every site profile. One UNet3D is reused
 * for all training and evaluation (weights are swapped in with setWeights). Deterministic
 * per seed on a given backend.
 */
import type { TrainingCase } from '../../core/types/case.ts';
import { REGIONS, type RegionScores } from '../../core/types/labels.ts';
import type { WeightSet } from '../../core/types/weights.ts';
import { getPreset } from '../../core/model/modelPresets.ts';
import { UNet3D } from '../../core/model/unet3d.ts';
import { evaluateModel } from '../../core/train/evaluateModel.ts';
import { localStepsFor, planHash } from '../../core/protocol/plan.ts';
import { specOf, specSize } from '../../core/protocol/weightSpec.ts';
import { CENTRALIZED_STREAM, siteStream, trainAlone } from './baselineArms.ts';
import { runFederatedArm } from './federatedArm.ts';
import { SILENT_PROGRESS, type ProgressSink } from './progressDisplay.ts';
import { planFromOptions, resolveOptions, type SimulateOptions } from './simulateOptions.ts';
import { buildSimulationData, type SimulationData } from './simulationData.ts';
import type { ArmScores, CurvePoint, SimulationEnvironment, SimulationResult } from './simulationResult.ts';

export interface SimulateHooks {
  readonly progress?: ProgressSink;
  readonly environment?: SimulationEnvironment;
  /** use these sites and test cases instead of making synthetic ones (tests) */
  readonly data?: SimulationData;
}

/** The result, plus the trained weights of each arm (not part of the JSON). */
export interface SimulationRun {
  readonly result: SimulationResult;
  readonly weights: { federated: WeightSet | null; centralized: WeightSet | null; local: readonly WeightSet[] | null };
}

const clock = () => performance.now();

export async function simulate(partial: Partial<SimulateOptions>, hooks: SimulateHooks = {}): Promise<SimulationRun> {
  const started = clock();
  const o = resolveOptions(partial);
  const plan = planFromOptions(o);
  const progress = hooks.progress ?? SILENT_PROGRESS;
  const preset = getPreset(plan.model.preset);

  let t = clock();
  let data = hooks.data;
  if (!data) {
    // the phase opens at the first case, when its total is known
    let seen = 0;
    data = buildSimulationData({
      sites: o.sites, seed: o.seed, size: o.size, protocolHeterogeneity: o.protocolHeterogeneity, maxCasesPerSite: o.maxCasesPerSite, testCasesPerProfile: o.testCasesPerProfile,
      malicious: o.malicious, patchSize: preset.patchSize,
      onCase: (done, total) => {
        if (seen === 0) progress.phase('making synthetic cases', total, 'cases');
        progress.tick(done - seen);
        seen = done;
      },
    });
    progress.end();
  }
  const dataSeconds = (clock() - t) / 1000;
  const { sites, test } = data;
  const stepsPerSite = sites.map((s) => localStepsFor(plan, s.train.length));
  const stepsPerRound = stepsPerSite.reduce((a, b) => a + b, 0);

  const model = UNet3D.create(preset, plan.model.seed);
  const seconds = { federated: 0, centralized: 0, local: 0, evaluation: 0 };
  /** learning-curve evaluations run inside an arm's training: counted as evaluation, taken out of the arm */
  let curveSeconds = 0;
  const armSeconds = (since: number, curveBefore: number) => (clock() - since) / 1000 - (curveSeconds - curveBefore);
  try {
    const initial = await model.getWeights();
    const tick = () => progress.tick();
    const evaluate = async (w: WeightSet, what: string): Promise<ArmScores> => {
      const t0 = clock();
      model.setWeights(w);
      const r = await evaluateTicking(model, test, o.evalOverlap, progress, what);
      seconds.evaluation += (clock() - t0) / 1000;
      return r;
    };
    /** a learning-curve recorder: scores the weights every `evalEvery` rounds, without disturbing the progress bar */
    const curveOf = (points: CurvePoint[]) => async (round: number, w: WeightSet): Promise<void> => {
      if (o.evalEvery === 0 || round % o.evalEvery !== 0 || round === o.rounds) return;
      const t0 = clock();
      model.setWeights(w);
      points.push({ round, dice: (await scoreCases(model, test, o.evalOverlap)).dice });
      seconds.evaluation += (clock() - t0) / 1000;
      curveSeconds += (clock() - t0) / 1000;
    };
    const finalPoint = (points: CurvePoint[], s: ArmScores): CurvePoint[] => [...points, { round: o.rounds, dice: s.dice }];

    let federated: SimulationResult['federated'] = null;
    let fedWeights: WeightSet | null = null;
    if (o.arms.includes('federated')) {
      t = clock();
      const c0 = curveSeconds;
      progress.phase(`federated (${o.sites} sites x ${o.rounds} rounds)`, stepsPerRound * o.rounds, 'steps');
      const points: CurvePoint[] = [];
      const out = await runFederatedArm(model, initial, sites, {
        plan, seed: o.seed, attack: o.attack, attackFactor: o.attackFactor, onStep: tick, onGlobal: curveOf(points),
      });
      progress.end();
      seconds.federated = armSeconds(t, c0);
      fedWeights = out.weights;
      const uploads = out.rounds.flatMap((r) => r.uploadBytes);
      const perSiteRound = uploads.reduce((a, b) => a + b, 0) / uploads.length;
      const float32Bytes = 4 * specSize(specOf(initial));
      const codecErrors = out.rounds.flatMap((r) => r.codecErrors);
      const scores = await evaluate(out.weights, 'federated model');
      federated = {
        strategy: out.strategyName,
        scores,
        curve: finalPoint(points, scores),
        totalSteps: stepsPerRound * o.rounds,
        rounds: out.rounds,
        uploadBytesPerSiteRound: perSiteRound,
        float32Bytes,
        uploadRatio: perSiteRound / float32Bytes,
        meanCodecError: codecErrors.length > 0 ? codecErrors.reduce((a, b) => a + b, 0) / codecErrors.length : null,
        epsilonSpent: out.rounds.at(-1)?.epsilonSpent ?? null,
      };
    }

    let centralized: SimulationResult['centralized'] = null;
    let centralWeights: WeightSet | null = null;
    if (o.arms.includes('centralized')) {
      t = clock();
      const c0 = curveSeconds;
      progress.phase('centralized (pooled data)', stepsPerRound * o.rounds, 'steps');
      const pooled: TrainingCase[] = sites.flatMap((s) => s.train);
      const points: CurvePoint[] = [];
      const out = await trainAlone(model, initial, pooled, {
        plan, seed: o.seed, stream: CENTRALIZED_STREAM, stepsPerRound, onStep: tick, onRound: curveOf(points),
      });
      progress.end();
      seconds.centralized = armSeconds(t, c0);
      centralWeights = out.weights;
      const scores = await evaluate(out.weights, 'centralized model');
      centralized = { scores, totalSteps: out.steps, roundLosses: out.roundLosses, curve: finalPoint(points, scores) };
    }

    let local: SimulationResult['local'] = null;
    let localWeights: WeightSet[] | null = null;
    if (o.arms.includes('local')) {
      t = clock();
      const c0 = curveSeconds;
      progress.phase('local-only models', stepsPerRound * o.rounds, 'steps');
      const outs = [];
      const siteCurves: CurvePoint[][] = [];
      for (const [i, s] of sites.entries()) {
        const points: CurvePoint[] = [];
        siteCurves.push(points);
        outs.push(await trainAlone(model, initial, s.train, {
          plan, seed: o.seed, stream: siteStream(i), stepsPerRound: stepsPerSite[i]!, onStep: tick, onRound: curveOf(points),
        }));
      }
      progress.end();
      seconds.local = armSeconds(t, c0);
      localWeights = outs.map((x) => x.weights);
      const scored = [];
      for (const [i, s] of sites.entries()) {
        const out = outs[i]!;
        const scores = await evaluate(out.weights, `local model of ${s.id}`);
        scored.push({ id: s.id, profile: s.profile.name, scores, totalSteps: out.steps, roundLosses: out.roundLosses, curve: finalPoint(siteCurves[i]!, scores) });
      }
      local = { sites: scored, mean: meanScores(scored.map((x) => x.scores)), meanCurve: meanCurve(scored.map((x) => x.curve)) };
    }

    const dice = (a: ArmScores | undefined) => a?.dice;
    const result: SimulationResult = {
      options: o,
      plan,
      planHash: await planHash(plan),
      environment: hooks.environment ?? null,
      data: {
        sites: sites.map((s, i) => ({ id: s.id, profile: s.profile.name, trainCases: s.train.length, malicious: s.malicious, stepsPerRound: stepsPerSite[i]! })),
        testCases: test.length,
        caseDims: [...new Set([...sites.flatMap((s) => s.train), ...test].map((c) => c.dims.join('x')))],
        weights: specSize(specOf(initial)),
      },
      federated,
      centralized,
      local,
      comparison: {
        federatedOverCentralizedDice: ratio(dice(federated?.scores), dice(centralized?.scores), (f, c) => f / c),
        federatedGainOverLocalDice: ratio(dice(federated?.scores), dice(local?.mean), (f, l) => (f - l) / l),
      },
      seconds: { data: dataSeconds, ...seconds, total: (clock() - started) / 1000 },
    };
    return { result, weights: { federated: fedWeights, centralized: centralWeights, local: localWeights } };
  } finally {
    model.dispose();
  }
}

/** Mean scores over the test cases, case by case. */
async function scoreCases(model: UNet3D, test: readonly TrainingCase[], overlap: number, onCase?: () => void): Promise<ArmScores> {
  const perCase: ArmScores[] = [];
  for (const c of test) {
    const r = await evaluateModel(model, [c], { overlap });
    if (r.cases > 0) perCase.push({ dice: r.dice, hd95: r.hd95 });
    onCase?.();
  }
  return meanScores(perCase);
}

/** Curves of the same rounds averaged point by point. */
export function meanCurve(curves: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const first = curves[0] ?? [];
  return first.map((p, k) => {
    const dice = { ET: 0, TC: 0, WT: 0 };
    for (const r of REGIONS) dice[r] = curves.reduce((s, c) => s + (c[k]?.dice[r] ?? NaN), 0) / curves.length;
    return { round: p.round, dice };
  });
}

async function evaluateTicking(
  model: UNet3D,
  test: readonly TrainingCase[],
  overlap: number,
  progress: ProgressSink,
  what: string,
): Promise<ArmScores> {
  progress.phase(`evaluating the ${what}`, test.length, 'cases');
  const scores = await scoreCases(model, test, overlap, () => progress.tick());
  progress.end();
  return scores;
}

export function meanScores(list: readonly ArmScores[]): ArmScores {
  const mean = (key: 'dice' | 'hd95'): RegionScores => {
    const out = { ET: NaN, TC: NaN, WT: NaN };
    for (const r of REGIONS) out[r] = list.length ? list.reduce((s, x) => s + x[key][r], 0) / list.length : NaN;
    return out;
  };
  return { dice: mean('dice'), hd95: mean('hd95') };
}

function ratio(a: RegionScores | undefined, b: RegionScores | undefined, f: (a: number, b: number) => number): RegionScores | null {
  if (!a || !b) return null;
  return { ET: f(a.ET, b.ET), TC: f(a.TC, b.TC), WT: f(a.WT, b.WT) };
}
