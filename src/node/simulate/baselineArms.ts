/**
 * The two comparison arms, trained round by round exactly like a federated site (same
 * trainer, same steps, same sampling seeds, optimiser state restarted each round) but
 * without aggregation:
 * - centralized: one model on the pooled training cases of every site, running in each
 *   round as many steps as all sites together (so its total equals the federation's);
 * - local: each site alone on its own cases, its own steps (a federation of one site).
 * Neither uses the plan's FedProx term (training.proximalMu): it pulls a site's training
 * towards the round's global model, which these arms do not have; keeping it would restrain
 * the centralized model's N sites' worth of steps per round for nothing.
 */
import type { TrainingCase } from '../../core/types/case.ts';
import type { WeightSet } from '../../core/types/weights.ts';
import type { UNet3D } from '../../core/model/unet3d.ts';
import type { Plan } from '../../core/protocol/plan.ts';
import { trainRound, trainingSeed } from './trainRound.ts';

export interface BaselineOutcome {
  readonly weights: WeightSet;
  readonly steps: number;
  /** mean local training loss per round */
  readonly roundLosses: readonly number[];
}

/** `rounds` rounds of `steps` steps on `cases`, from `initial`; seeds of sampling stream `stream`. */
export async function trainAlone(
  model: UNet3D,
  initial: WeightSet,
  cases: readonly TrainingCase[],
  o: { plan: Plan; seed: number; stream: number; stepsPerRound: number; onStep?: () => void; onRound?: (round: number, weights: WeightSet) => Promise<void> },
): Promise<BaselineOutcome> {
  let w = initial;
  const roundLosses: number[] = [];
  for (let round = 1; round <= o.plan.rounds; round++) {
    const r = await trainRound(model, w, cases, {
      plan: o.plan, steps: o.stepsPerRound, seed: trainingSeed(o.seed, o.stream, round), proximalMu: 0, ...(o.onStep ? { onStep: o.onStep } : {}),
    });
    w = r.weights;
    roundLosses.push(r.summary.meanLoss);
    await o.onRound?.(round, w);
  }
  return { weights: w, steps: o.stepsPerRound * o.plan.rounds, roundLosses };
}

/** stream of the centralized model's sampling (sites use 1..N) */
export const CENTRALIZED_STREAM = 0;
/** stream of site i (0-based), the same in the federated and the local arm */
export const siteStream = (i: number): number => i + 1;
