/** The simulator's result: what `fedseg simulate --json` prints. */
import type { Plan } from '../../core/protocol/plan.ts';
import type { RegionScores } from '../../core/types/labels.ts';
import type { SimulateOptions } from './simulateOptions.ts';
import type { FederatedRound } from './federatedArm.ts';

export interface ArmScores {
  /** mean over the test cases */
  readonly dice: RegionScores;
  /** mean over the test cases, mm (373.13 where a region is predicted but absent or missed) */
  readonly hd95: RegionScores;
}

/** An arm's test-set Dice after some rounds (`--eval-every`); the last point is the final model. */
export interface CurvePoint {
  readonly round: number;
  readonly dice: RegionScores;
}

export interface SimulationEnvironment {
  readonly backend: string;
  /** kernels served by the fast CPU Conv3D (empty when off) */
  readonly fastKernels: readonly string[];
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
}

export interface SimulationResult {
  readonly options: SimulateOptions;
  readonly plan: Plan;
  readonly planHash: string;
  readonly environment: SimulationEnvironment | null;
  readonly data: {
    readonly sites: readonly { id: string; profile: string; trainCases: number; malicious: boolean; stepsPerRound: number }[];
    readonly testCases: number;
    /** grid of the prepared cases (x, y, z), distinct values */
    readonly caseDims: readonly string[];
    readonly weights: number;
  };
  readonly federated: {
    readonly strategy: string;
    readonly scores: ArmScores;
    readonly totalSteps: number;
    readonly rounds: readonly FederatedRound[];
    /** mean payload of one site's upload in one round, bytes */
    readonly uploadBytesPerSiteRound: number;
    /** a float32 update of this model, bytes (4 per weight) */
    readonly float32Bytes: number;
    /** uploadBytesPerSiteRound / float32Bytes */
    readonly uploadRatio: number;
    /** mean over sites and rounds of FederatedRound.codecErrors (null under secure aggregation) */
    readonly meanCodecError: number | null;
    readonly epsilonSpent: number | null;
    readonly curve: readonly CurvePoint[];
  } | null;
  readonly centralized: { readonly scores: ArmScores; readonly totalSteps: number; readonly roundLosses: readonly number[]; readonly curve: readonly CurvePoint[] } | null;
  readonly local: {
    readonly sites: readonly { id: string; profile: string; scores: ArmScores; totalSteps: number; roundLosses: readonly number[]; curve: readonly CurvePoint[] }[];
    /** the average single-site model: means of the sites' scores */
    readonly mean: ArmScores;
    /** the sites' curves averaged point by point */
    readonly meanCurve: readonly CurvePoint[];
  } | null;
  readonly comparison: {
    /** federated Dice / centralized Dice per region */
    readonly federatedOverCentralizedDice: RegionScores | null;
    /** (federated Dice - mean local Dice) / mean local Dice per region */
    readonly federatedGainOverLocalDice: RegionScores | null;
  };
  readonly seconds: { readonly data: number; readonly federated: number; readonly centralized: number; readonly local: number; readonly evaluation: number; readonly total: number };
}
