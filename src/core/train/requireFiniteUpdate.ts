/**
 * An update whose every value is finite, or TRAINING_DIVERGED naming the first tensor and
 * index that is not. The loss can stay finite while a weight overflows (a large step on a
 * parameter the loss barely depends on); such an update would poison the global model.
 */
import type { WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';

export function requireFiniteUpdate(delta: WeightSet, steps: number, learningRate: number): WeightSet {
  for (const t of delta) {
    const k = t.values.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) throw new FedsegError('TRAINING_DIVERGED', `the update of tensor "${t.name}" is ${t.values[k]} at index ${k} after ${steps} steps; lower the learning rate (${learningRate})`);
  }
  return delta;
}
