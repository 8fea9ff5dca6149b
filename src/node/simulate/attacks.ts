/**
 * What a malicious site does to its honest update before sending it (model poisoning as
 * studied by Blanchard et al., NeurIPS 2017, and Fang et al., USENIX Security 2020):
 * - scale:    sends factor x its update (a boosted update that dominates a plain mean);
 * - signflip: sends -factor x its update (pushes the model away from the honest descent).
 */
import type { WeightSet } from '../../core/types/weights.ts';
import { scale } from '../../core/aggregation/weightMath.ts';
import { lookup } from '../../core/util/errors.ts';
import type { AttackName } from './simulateOptions.ts';

export type Attack = (update: WeightSet, factor: number) => WeightSet;

export const ATTACKS: Readonly<Record<AttackName, Attack>> = {
  scale: (u, factor) => scale(u, factor),
  signflip: (u, factor) => scale(u, -factor),
};

export function getAttack(name: string): Attack {
  return lookup(ATTACKS, name, 'attack');
}
