/**
 * The operator's view of a federation (GET /api/v1/status, `fedseg status`), declared
 * once: the coordinator builds it (src/coordinator/operatorStatus.ts) and `fedseg status`
 * checks what it received against it. The plan, sites, every round with who reported
 * (and each update's norm, where the coordinator could see it) and the federated
 * evaluation. Public parts only: no keys, no invite tokens, no audit log.
 */
import { z } from 'zod';
import { PlanSchema } from './plan.ts';
import { regionScoresSchema, ROUND_STATES, RoundStatusSchema, sha256HexSchema, siteIdSchema } from './messages.ts';

const count = () => z.number().int().nonnegative();
const time = () => z.number().finite();

export const SITE_STATUSES = ['invited', 'active', 'revoked'] as const;

/** Case-weighted means of the sites' per-region scores. */
export const RoundEvaluationSchema = z.strictObject({
  cases: count(),
  sites: count(),
  dice: regionScoresSchema,
  hd95: regionScoresSchema,
});
export type RoundEvaluation = z.output<typeof RoundEvaluationSchema>;

export const RoundViewSchema = z.strictObject({
  round: count(),
  status: z.enum(ROUND_STATES),
  globalModel: sha256HexSchema,
  resultModel: sha256HexSchema.nullable(),
  openedAt: time(),
  deadline: time(),
  closedAt: time().nullable(),
  extensions: count(),
  updates: z.array(z.strictObject({
    siteId: siteIdSchema,
    sampleCount: count(),
    bytes: count(),
    codec: z.string(),
    receivedAt: time(),
    metrics: z.record(z.string(), z.unknown()),
    /** the update's L2 norm as decoded, before any robust rule or clipping; absent under secure aggregation */
    norm: z.number().nonnegative().optional(),
  })),
  evaluations: z.array(z.strictObject({ siteId: siteIdSchema, cases: count(), dice: regionScoresSchema, hd95: regionScoresSchema, receivedAt: time() })),
  /** federated evaluation of `globalModel`; null before any site reported */
  evaluation: RoundEvaluationSchema.nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
});
export type RoundView = z.output<typeof RoundViewSchema>;

export const OperatorStatusSchema = z.strictObject({
  federation: z.string(),
  planHash: sha256HexSchema,
  plan: PlanSchema,
  current: RoundStatusSchema,
  /** why the current round waits past its deadline; null when on time */
  notice: z.string().nullable(),
  sites: z.array(z.strictObject({
    id: siteIdSchema,
    name: z.string(),
    status: z.enum(SITE_STATUSES),
    invitedAt: time(),
    joinedAt: time().nullable(),
    /** the coordinator's time of the site's last signed request, null before any */
    lastSeenAt: time().nullable(),
    /** when the site said it stopped taking part (Stop in its page); null while it takes part. Rounds do not wait for it meanwhile. */
    pausedAt: time().nullable(),
    /** when the site was revoked (its audit entry); null while it is not (and from a coordinator older than the field) */
    revokedAt: time().nullable().default(null),
  })),
  rounds: z.array(RoundViewSchema),
  /** evaluation of the final model (round = rounds + 1), once sites reported it */
  final: RoundEvaluationSchema.nullable(),
  /** DP: epsilon spent so far (absent when DP is off) */
  epsilonSpent: z.number().nonnegative().optional(),
});
export type OperatorStatus = z.output<typeof OperatorStatusSchema>;
