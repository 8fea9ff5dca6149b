/**
 * The federation plan: the contract every site and the coordinator agree on (as OpenFL's
 * plan is). Declared once as a zod schema; every field has a default, so `{}` is a valid
 * (if dull) plan. The plan hash (SHA-256 of the canonical JSON of the parsed plan, with
 * defaults filled in) is shown to a site before it joins and named by every message.
 *
 * Names that point into registries (model preset, strategy, robust rule options, codec)
 * are checked here only for form; their owners validate them (getPreset, STRATEGIES, CODECS)
 * so that the plan does not import the model or the aggregation code.
 */
import { z } from 'zod';
import { sha256Hex } from '../util/webCrypto.ts';
import { canonicalJson } from './canonicalJson.ts';
import { parseWithSchema } from './schemaProblems.ts';
import { utf8Encode } from './utf8.ts';

const POS_INT = 'expected a positive integer';
const posInt = () => z.number({ error: POS_INT }).int({ error: POS_INT }).positive({ error: POS_INT });
const NON_NEG = 'expected a number >= 0';
const nonNegative = () => z.number({ error: NON_NEG }).nonnegative({ error: NON_NEG });
const POS = 'expected a number > 0';
const positive = () => z.number({ error: POS }).positive({ error: POS }).finite({ error: POS });
const name = (what: string) =>
  z
    .string({ error: `expected ${what}: a string of 1-100 letters, digits, spaces or -_.()` })
    .regex(/^[A-Za-z0-9 _.()-]{1,100}$/, { error: `expected ${what}: a string of 1-100 letters, digits, spaces or -_.()` });
const registryName = (what: string) =>
  z.string({ error: `expected ${what} name` }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: `expected ${what} name: lower-case letters, digits, - or _` });
/** limits.maxSampleCount when the plan does not say: above any one hospital's cases (FeTS's 71 sites held 6,314 in all) */
export const MAX_SAMPLE_COUNT_DEFAULT = 100_000;
/** validation.minReportCases when the plan does not say: the usual small-cell suppression threshold of health statistics */
export const MIN_REPORT_CASES_DEFAULT = 5;
/** free-form options of a registry entry; the entry's constructor validates them */
const options = () => z.record(z.string(), z.unknown(), { error: 'expected an options object' }).default({});

export const ROBUST_RULES = ['none', 'normbound', 'median', 'trimmedmean'] as const;
export type RobustRule = (typeof ROBUST_RULES)[number];
/** How a site's update counts in the mean: by its training-case count, or equally. */
export const AGGREGATION_WEIGHTINGS = ['samples', 'equal'] as const;
export type AggregationWeighting = (typeof AGGREGATION_WEIGHTINGS)[number];

export const PlanSchema = z
  .strictObject({
    /** format version of this schema */
    version: z.literal(1, { error: 'expected plan version 1' }).default(1),
    federation: name('a federation name').default('fedseg'),
    description: z.string().max(2000).default(''),
    model: z
      .strictObject({
        /** a key of MODEL_PRESETS (checked by getPreset) */
        preset: registryName('a model preset').default('tiny'),
        /** seed of the initial global weights */
        seed: z.number().int().nonnegative().default(1),
      })
      .prefault({}),
    rounds: posInt().default(10),
    training: z
      .strictObject({
        /** optimiser steps per round at each site */
        localSteps: posInt().default(20),
        /** when set, a site runs ceil(localEpochs * trainingCases / batchSize) steps instead of localSteps */
        localEpochs: positive().optional(),
        batchSize: posInt().default(1),
        optimizer: z.enum(['adam', 'sgd']).default('adam'),
        learningRate: positive().default(1e-3),
        /** FedProx: mu/2 ||w - w_global||^2 added to the local loss; 0 = plain FedAvg training */
        proximalMu: nonNegative().default(0),
        /** share of patches centred on tumour */
        foregroundFraction: z.number().min(0).max(1).default(1 / 3),
      })
      .prefault({}),
    aggregation: z
      .strictObject({
        /** a key of STRATEGIES (fedavg, fedprox, fedadam, fedyogi, fedadagrad) */
        strategy: registryName('an aggregation strategy').default('fedavg'),
        options: options(),
        /**
         * samples: each update weighs its site's training-case count (FedAvg, McMahan et al.
         * 2017); equal: every site weighs 1, so one large site cannot dominate the mean
         */
        weighting: z.enum(AGGREGATION_WEIGHTINGS).default('samples'),
        robust: z
          .strictObject({
            rule: z.enum(ROBUST_RULES).default('none'),
            /** normbound: { maxNorm }; trimmedmean: { trimFraction } */
            options: options(),
          })
          .prefault({}),
      })
      .prefault({}),
    stragglers: z
      .strictObject({
        /** a round may close at its deadline once this many sites reported */
        minSites: posInt().default(1),
        roundDeadlineSeconds: positive().default(600),
        /** at the deadline with fewer than minSites: extend by another deadline (true) or tell the operator (false) */
        extendOnTimeout: z.boolean().default(true),
      })
      .prefault({}),
    validation: z
      .strictObject({
        /** share of each site's labelled cases held out for federated evaluation */
        fraction: z.number().min(0).lt(1, { error: 'expected a fraction in [0, 1)' }).default(0.2),
        /**
         * a site reports its validation scores only when they are a mean over at least this
         * many cases: a "mean" over one case is that patient's own Dice and HD95 (and an ET
         * Dice of 1 with HD95 0 says the patient has no enhancing tumour). Small-cell
         * suppression; below it the scores stay on the site.
         */
        minReportCases: posInt().default(MIN_REPORT_CASES_DEFAULT),
      })
      .prefault({}),
    codec: z
      .strictObject({
        /** a key of CODECS (float32, float16, int8, int4, topk) */
        name: registryName('an update codec').default('float32'),
        options: options(),
      })
      .prefault({}),
    privacy: z
      .strictObject({
        secureAggregation: z
          .strictObject({
            enabled: z.boolean().default(false),
            /** updates are clipped to [-clipRange, clipRange] per coordinate before quantisation */
            clipRange: positive().default(0.5),
            /** share of sites whose secret shares reconstruct a dropped site's mask (Shamir threshold) */
            thresholdFraction: z.number().gt(0.5).max(1).default(2 / 3),
          })
          .prefault({}),
        dp: z
          .strictObject({
            enabled: z.boolean().default(false),
            epsilon: positive().default(8),
            delta: z.number().gt(0).lt(1, { error: 'expected delta in (0, 1)' }).default(1e-5),
            /** L2 bound of each site's update (DP-FedAvg clipping) */
            clipNorm: positive().default(1),
          })
          .prefault({}),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** largest accepted update envelope (header + payload), bytes */
        maxUpdateBytes: posInt().default(256 * 1024 * 1024),
        /** largest JSON control message, bytes */
        maxMessageBytes: posInt().default(1024 * 1024),
        /**
         * the most training cases one update may count for (its weight under
         * aggregation.weighting "samples"): a site with more sends this number, and the
         * coordinator refuses a larger claim, so that no site can outweigh the others by
         * claiming a billion cases. The operator may set it to the largest site it expects.
         */
        maxSampleCount: posInt().default(MAX_SAMPLE_COUNT_DEFAULT),
      })
      .prefault({}),
  })
  .superRefine((plan, ctx) => {
    // a robust rule can be chosen as the robust wrapper or as the base strategy by name (strategies.ts)
    const robust = [
      { rule: plan.aggregation.robust.rule, path: ['aggregation', 'robust', 'rule'] },
      { rule: plan.aggregation.strategy, path: ['aggregation', 'strategy'] },
    ].filter((r) => ROBUST_NAMES.has(r.rule));
    for (const { rule, path } of robust) {
      // normbound goes with either (under secure aggregation it bounds the round's mean step, not
      // one site's update: docs/protocol.md); a median or trimmed mean needs every update by itself
      if (rule === 'normbound') continue;
      if (plan.privacy.secureAggregation.enabled) {
        // the coordinator sees one unmasked mean: a median or a trimmed mean of one value is that value
        ctx.addIssue({ code: 'custom', path, message: `expected "none" or "normbound" with secure aggregation, found "${rule}" (the coordinator sees only the sum of the updates, so it cannot take a ${rule} of them)` });
      } else if (plan.privacy.dp.enabled) {
        ctx.addIssue({ code: 'custom', path, message: `expected "none" or "normbound" with differential privacy, found "${rule}" (its noise is calibrated to a clipped sum, not to a ${rule})` });
      }
    }
    if (plan.privacy.secureAggregation.enabled && plan.privacy.dp.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'dp', 'enabled'],
        message: 'expected false with secure aggregation (DP over secure aggregation needs clipping at the sites and noise on the sum: not supported yet)',
      });
    }
    if (plan.privacy.secureAggregation.enabled && plan.codec.name !== 'float32') {
      ctx.addIssue({
        code: 'custom',
        path: ['codec', 'name'],
        message: 'expected "float32" with secure aggregation (the masked vector replaces the codec payload)',
      });
    }
  });

/** the robust rules, which also name base strategies (robust rule over FedAvg) */
const ROBUST_NAMES: ReadonlySet<string> = new Set(['median', 'trimmedmean', 'normbound']);

export type Plan = z.output<typeof PlanSchema>;
/** What an operator writes: every field optional. */
export type PlanInput = z.input<typeof PlanSchema>;

/** Validate a plan; FedsegError 'PLAN_INVALID' lists each problem as "source: path: expected X, found Y". */
export function parsePlan(json: unknown, source: string): Plan {
  return parseWithSchema(PlanSchema, json, source, 'PLAN_INVALID');
}

/**
 * The plan as hashed and as the coordinator publishes it (GET /plan): fields added to the
 * schema after federations could already exist are left out while they hold their default,
 * so such a federation keeps its hash (and its data folder still opens) after an upgrade,
 * and sites of the version before, whose strict schema does not know the field, still read
 * the plan; a non-default value is there like any other field.
 */
export function publishedPlan(plan: Plan): Record<string, unknown> {
  const published: Record<string, unknown> = { ...plan };
  for (const { section, field, value } of LATE_FIELDS) {
    const part = { ...(published[section] as Record<string, unknown>) };
    if (part[field] === value) delete part[field];
    published[section] = part;
  }
  return published;
}

/** The fields added to the plan after federations could already exist, with the default at which they are left out of the hash. */
const LATE_FIELDS: readonly { section: 'aggregation' | 'limits' | 'validation'; field: string; value: unknown }[] = [
  { section: 'aggregation', field: 'weighting', value: 'samples' },
  { section: 'limits', field: 'maxSampleCount', value: MAX_SAMPLE_COUNT_DEFAULT },
  { section: 'validation', field: 'minReportCases', value: MIN_REPORT_CASES_DEFAULT },
];

/** SHA-256 hex of the canonical JSON (sorted keys) of the plan, defaults filled in. */
export function planHash(plan: Plan): Promise<string> {
  return sha256Hex(utf8Encode(canonicalJson(publishedPlan(plan))));
}

/** Local steps a site runs this round (localEpochs, when set, wins over localSteps). */
export function localStepsFor(plan: Plan, trainingCases: number): number {
  const { localEpochs, localSteps, batchSize } = plan.training;
  if (localEpochs === undefined) return localSteps;
  return Math.max(1, Math.ceil((localEpochs * trainingCases) / batchSize));
}

/** The demo and test plan: tiny preset, 3 rounds, a few steps, short deadline. */
export const DEMO_PLAN: Plan = parsePlan(
  {
    federation: 'fedseg demo',
    description: 'Three rounds of the tiny U-Net on synthetic phantoms.',
    model: { preset: 'tiny', seed: 1 },
    rounds: 3,
    training: { localSteps: 5, batchSize: 1, optimizer: 'adam', learningRate: 3e-3 },
    stragglers: { minSites: 1, roundDeadlineSeconds: 120 },
  },
  'DEMO_PLAN',
);
