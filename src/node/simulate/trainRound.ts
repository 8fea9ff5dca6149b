/**
 * One round of local training in the simulator: the shared model takes `start`, runs the
 * plan's local trainer for `steps` steps on `cases`, and gives its new weights. Every arm
 * (federated sites, the centralized model, the local-only models) trains through this, so
 * they differ only in their data and in what happens between rounds.
 */
import type { TrainingCase } from '../../core/types/case.ts';
import type { WeightSet } from '../../core/types/weights.ts';
import type { UNet3D } from '../../core/model/unet3d.ts';
import type { Plan } from '../../core/protocol/plan.ts';
import { trainLocal, type TrainSummary } from '../../core/train/localTrainer.ts';

export interface RoundTraining {
  readonly weights: WeightSet;
  readonly summary: TrainSummary;
}

export async function trainRound(
  model: UNet3D,
  start: WeightSet,
  cases: readonly TrainingCase[],
  o: { plan: Plan; steps: number; seed: number; onStep?: () => void; /** overrides the plan's FedProx term (0 for the arms that are no federation) */ proximalMu?: number },
): Promise<RoundTraining> {
  model.setWeights(start);
  const t = o.plan.training;
  const gen = trainLocal(model, cases, {
    steps: o.steps,
    batchSize: t.batchSize,
    optimizer: t.optimizer,
    learningRate: t.learningRate,
    seed: o.seed,
    proximalMu: o.proximalMu ?? t.proximalMu,
    foregroundFraction: t.foregroundFraction,
  });
  let r = await gen.next();
  while (!r.done) {
    o.onStep?.();
    r = await gen.next();
  }
  return { weights: await model.getWeights(), summary: r.value };
}

/** Sampling seed of a site's training in a round: the same for that site in every arm. */
export function trainingSeed(runSeed: number, stream: number, round: number): number {
  return (Math.imul(runSeed, 1000003) + stream * 7919 + round * 104729) >>> 0;
}
