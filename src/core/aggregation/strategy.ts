/**
 * The aggregation contract: a strategy begins one Aggregator per round from the current
 * global weights; the aggregator takes each site's update (a delta: local minus global)
 * with its weight (the sample count) and, at the end, gives the next global weights.
 *
 * Stateful strategies (the server optimisers) keep state across rounds and expose it as a
 * WeightSet (exportState/importState), so that the coordinator can store it beside the
 * model (weightsBlob) and resume after a restart.
 */
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { checkSpec, checkFinite, specOf } from '../protocol/weightSpec.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';

export interface Aggregator {
  /** Add one site's update (delta) with its weight (> 0); memory stays O(model) for streaming strategies. */
  add(update: WeightSet, weight: number): void;
  /** updates added so far */
  readonly count: number;
  /** The new global weights; AGGREGATION_EMPTY when nothing was added. Call once. */
  finish(): WeightSet;
}

export interface AggregationStrategy {
  readonly name: string;
  begin(global: WeightSet): Aggregator;
  /** State that must survive a restart ([] when stateless or not yet started). */
  exportState(): WeightSet;
  importState(state: WeightSet): void;
}

/** Checks every aggregator makes on add: spec equal to the global's, as many values as the shape holds, finite values, weight > 0. */
export function checkUpdate(update: WeightSet, weight: number, spec: WeightSpec, who: string): void {
  checkSpec(specOf(update), spec, 'UPDATE', who);
  for (const t of update) {
    if (t.values.length !== shapeSize(t.shape)) {
      throw new FedsegError('UPDATE_SHAPE', `${who}: tensor "${t.name}": expected ${shapeSize(t.shape)} values for shape [${t.shape.join(', ')}], found ${t.values.length}`);
    }
  }
  for (const t of update) checkFinite(t.name, t.values, 'UPDATE', who);
  if (!(weight > 0) || !Number.isFinite(weight)) {
    throw new FedsegError('AGGREGATION_WEIGHT', `${who}: expected a positive finite weight, found ${String(weight)}`);
  }
}

export function emptyRound(who: string): FedsegError {
  return new FedsegError('AGGREGATION_EMPTY', `${who}: expected at least one update before finish(), found none`);
}

export function finishedTwice(who: string): FedsegError {
  return new FedsegError('AGGREGATION_FINISHED', `${who}: finish() was already called for this round`);
}
