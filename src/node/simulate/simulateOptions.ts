/**
 * What one simulated federation runs: the federation settings (turned into a real Plan by
 * planFromOptions, so the simulator takes the same plan path as the coordinator) and the
 * simulation-only settings (how the synthetic sites are made, which sites attack, which
 * comparison arms to train, how to evaluate).
 */
import type { AggregationWeighting, Plan, PlanInput } from '../../core/protocol/plan.ts';
import { parsePlan } from '../../core/protocol/plan.ts';
import { FedsegError } from '../../core/util/errors.ts';

export const ARMS = ['federated', 'centralized', 'local'] as const;
export type Arm = (typeof ARMS)[number];

export const ATTACK_NAMES = ['scale', 'signflip'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export interface SimulateOptions {
  /** simulated hospitals; site i takes SITE_PROFILES[i mod 4] */
  sites: number;
  rounds: number;
  preset: string;
  /** one seed for everything: data, initial weights, sampling, DP noise */
  seed: number;
  strategy: string;
  /** options of the strategy (e.g. fedadam's serverLearningRate) */
  strategyOptions: Record<string, unknown>;
  robust: 'none' | 'median' | 'trimmedmean' | 'normbound';
  /** an update's weight in the mean: its site's case count, or 1 (plan.aggregation.weighting) */
  weighting: AggregationWeighting;
  /** normbound's L2 bound of one update */
  robustMaxNorm: number;
  /** trimmedmean's share trimmed at each end */
  trimFraction: number;
  codec: string;
  codecOptions: Record<string, unknown>;
  secureAggregation: boolean;
  /** null: no differential privacy */
  dpEpsilon: number | null;
  dpDelta: number;
  dpClipNorm: number;
  /** the last `malicious` sites send manipulated updates */
  malicious: number;
  attack: AttackName;
  /** factor of the attack: scale multiplies the update by it, signflip by its negative */
  attackFactor: number;
  localSteps: number;
  /** FedProx: mu/2 ||w - w_global||^2 added to the local loss (plan.training.proximalMu) */
  proximalMu: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  /** voxels per side of the synthetic cases */
  size: number;
  /**
   * how far each site's protocol contrast moves from the reference (scaleProtocol):
   * 0 gives every site the same tissue contrast (only units, noise, bias, blur and
   * tumours differ), 1 the profiles' protocols
   */
  protocolHeterogeneity: number;
  /** at most this many training cases per site (null: the profile's case count) */
  maxCasesPerSite: number | null;
  /** held-out test cases per site profile */
  testCasesPerProfile: number;
  /** sliding-window overlap at evaluation */
  evalOverlap: number;
  /** also score every arm on the test set every this many rounds (learning curves); 0: only at the end */
  evalEvery: number;
  arms: readonly Arm[];
}

export const DEFAULT_SIMULATE_OPTIONS: SimulateOptions = {
  sites: 4,
  rounds: 5,
  preset: 'tiny',
  seed: 1,
  strategy: 'fedavg',
  strategyOptions: {},
  robust: 'none',
  weighting: 'samples',
  robustMaxNorm: 1,
  trimFraction: 0.25,
  codec: 'float32',
  codecOptions: {},
  secureAggregation: false,
  dpEpsilon: null,
  dpDelta: 1e-5,
  dpClipNorm: 1,
  malicious: 0,
  attack: 'scale',
  attackFactor: 10,
  localSteps: 10,
  proximalMu: 0,
  batchSize: 1,
  learningRate: 3e-3,
  optimizer: 'adam',
  size: 32,
  protocolHeterogeneity: 1,
  maxCasesPerSite: null,
  testCasesPerProfile: 2,
  evalOverlap: 0,
  evalEvery: 0,
  arms: ARMS,
};

/** Defaults filled in and simulation-only values checked (the plan checks the rest). */
export function resolveOptions(partial: Partial<SimulateOptions>): SimulateOptions {
  const o: SimulateOptions = { ...DEFAULT_SIMULATE_OPTIONS, ...partial };
  const bad = (what: string, found: unknown): never => {
    throw new FedsegError('SIMULATE_OPTIONS', `expected ${what}, found ${String(found)}`);
  };
  const posInt = (v: number, what: string) => (Number.isInteger(v) && v > 0 ? v : bad(`${what} a positive integer`, v));
  posInt(o.sites, '--sites');
  posInt(o.testCasesPerProfile, '--test-cases');
  if (o.maxCasesPerSite !== null) posInt(o.maxCasesPerSite, '--max-cases');
  if (!Number.isInteger(o.malicious) || o.malicious < 0 || o.malicious >= o.sites) {
    bad(`--malicious an integer from 0 to sites - 1 (${o.sites - 1}): at least one honest site`, o.malicious);
  }
  if (!(ATTACK_NAMES as readonly string[]).includes(o.attack)) bad(`--attack one of ${ATTACK_NAMES.join(', ')}`, o.attack);
  if (!(o.attackFactor > 0)) bad('--attack-factor > 0', o.attackFactor);
  if (!(o.evalOverlap >= 0 && o.evalOverlap <= 0.95)) bad('--eval-overlap in [0, 0.95]', o.evalOverlap);
  if (!(o.protocolHeterogeneity >= 0 && o.protocolHeterogeneity <= 2)) bad('--protocol-heterogeneity in [0, 2]', o.protocolHeterogeneity);
  if (!Number.isInteger(o.evalEvery) || o.evalEvery < 0) bad('--eval-every a non-negative integer', o.evalEvery);
  if (o.secureAggregation && o.codec !== 'float32') {
    bad('--codec float32 with --secagg (a secure upload is the masked vector of uint32 field elements; no codec applies)', o.codec);
  }
  if (o.arms.length === 0 || o.arms.some((a) => !(ARMS as readonly string[]).includes(a))) bad(`--arms a list of ${ARMS.join(', ')}`, o.arms.join(','));
  return o;
}

/** The federation plan these options describe, validated by parsePlan like an operator's plan file. */
export function planFromOptions(o: SimulateOptions): Plan {
  const robustOptions =
    o.robust === 'normbound' ? { maxNorm: o.robustMaxNorm } : o.robust === 'trimmedmean' ? { trimFraction: o.trimFraction } : {};
  const input: PlanInput = {
    federation: 'fedseg simulation',
    description: `simulated federation of ${o.sites} synthetic sites`,
    model: { preset: o.preset, seed: o.seed },
    rounds: o.rounds,
    training: { localSteps: o.localSteps, proximalMu: o.proximalMu, batchSize: o.batchSize, optimizer: o.optimizer, learningRate: o.learningRate },
    aggregation: { strategy: o.strategy, options: o.strategyOptions, weighting: o.weighting, robust: { rule: o.robust, options: robustOptions } },
    validation: { fraction: 0 },
    codec: { name: o.codec, options: o.codecOptions },
    privacy: {
      secureAggregation: { enabled: o.secureAggregation },
      dp: o.dpEpsilon === null ? { enabled: false } : { enabled: true, epsilon: o.dpEpsilon, delta: o.dpDelta, clipNorm: o.dpClipNorm },
    },
  };
  return parsePlan(input, 'fedseg simulate options');
}
