/**
 * The plan's algorithms, looked up once in src/core's registries: the aggregation
 * strategy with its robust rule and DP wrapper (strategyFromPlan, the same code the
 * simulator runs) and the update codec. The strategy object lives as long as the
 * process; its state (server-optimiser moments) is exported after every round so the
 * coordinator can store it and import it again after a restart.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { WeightSet } from '../core/types/weights.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import type { Aggregator } from '../core/aggregation/strategy.ts';
import { strategyFromPlan } from '../core/aggregation/strategies.ts';
import { aggregationWeight } from '../core/aggregation/aggregationWeight.ts';
import { codecFor } from '../core/codecs/updateCodec.ts';

export interface FederationAlgorithms {
  /** an aggregator for round `round`, starting from its global weights */
  begin(round: number, global: WeightSet): Aggregator;
  /** the weight of an update from a site with `sampleCount` training cases (aggregation.weighting) */
  weightOf(sampleCount: number): number;
  /** the codec payload of an update -> the delta (names and shapes of `spec`) */
  decodeUpdate(payload: Uint8Array, spec: WeightSpec): WeightSet;
  /** extra facts for a closed round's record (epsilon spent under DP) */
  roundSummary(round: number): Record<string, unknown>;
  /** DP: epsilon spent once `roundsDone` rounds were aggregated; null when DP is off */
  epsilonAfter(roundsDone: number): number | null;
  /** strategy state to keep across a restart ([] when stateless) */
  exportState(): WeightSet;
  importState(state: WeightSet): void;
}

export function federationAlgorithms(plan: Plan): FederationAlgorithms {
  const { strategy, dp } = strategyFromPlan(plan);
  const codec = codecFor(plan.codec);
  return {
    begin: (_round, global) => strategy.begin(global),
    weightOf: (sampleCount) => aggregationWeight(plan, sampleCount),
    decodeUpdate: (payload, spec) => codec.decode(payload, spec),
    roundSummary: (round) => (dp ? { epsilonSpent: dp.epsilonAfter(round, plan.privacy.dp.delta) } : {}),
    epsilonAfter: (roundsDone) => (dp ? dp.epsilonAfter(roundsDone, plan.privacy.dp.delta) : null),
    exportState: () => strategy.exportState(),
    importState: (state) => strategy.importState(state),
  };
}
