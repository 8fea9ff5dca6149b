/**
 * Every JSON control message between a site and the coordinator, declared once and
 * validated at both ends (docs/protocol.md describes the flow). Binary bodies (models,
 * updates) have their own formats: weightsBlob.ts and updateEnvelope.ts.
 *
 * What a site sends is limited to what these schemas allow: keys, hashes, counts and
 * aggregate metrics. The objects are strict, so an extra field (a file name, a DICOM tag)
 * is refused rather than carried along.
 */
import { z } from 'zod';
import { REGIONS } from '../types/labels.ts';
import { parseWithSchema } from './schemaProblems.ts';

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const sha256HexSchema = z.string().regex(SHA256_HEX, { error: 'expected a SHA-256 as 64 lower-case hex digits' });
const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const base64url = (what: string, max: number) =>
  z.string().max(max).regex(BASE64URL, { error: `expected ${what} as base64url` });
export const siteIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a site id: 1-64 letters, digits, - or _' });
const roundSchema = z.number().int().nonnegative();
const federationSchema = z.string().min(1).max(100);
const finite = () => z.number().finite();

/** A region -> score record (ET, TC, WT) with finite values. */
export const regionScoresSchema = z.strictObject(
  Object.fromEntries(REGIONS.map((r) => [r, finite()])) as Record<(typeof REGIONS)[number], z.ZodNumber>,
);

/** The public half of a site's ECDSA P-256 key (WebCrypto exportKey('jwk')); extra JWK members are dropped. */
export const publicKeyJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64url('x', 43).length(43, { error: 'expected x: 32 bytes as 43 base64url characters' }),
  y: base64url('y', 43).length(43, { error: 'expected y: 32 bytes as 43 base64url characters' }),
}).transform(({ kty, crv, x, y }) => ({ kty, crv, x, y }));
export type PublicKeyJwk = z.output<typeof publicKeyJwkSchema>;

/** POST join: the one-time invite token, the site's public key and the plan hash it saw and accepted. */
/** Whether an invite can be used, asked before the site consents (POST /invites/check): the token travels in a body, never in a path a proxy logs. */
export const InviteCheckRequestSchema = z.strictObject({ inviteToken: base64url('the invite token', 256) });
/** `usable`: not used yet; false for one a site joined with (it works again only for that site's key) */
export const InviteCheckResponseSchema = z.strictObject({ siteName: z.string(), usable: z.boolean() });
export type InviteCheckResponse = z.output<typeof InviteCheckResponseSchema>;

export const JoinRequestSchema = z.strictObject({
  inviteToken: base64url('the invite token', 256),
  publicKeyJwk: publicKeyJwkSchema,
  planHash: sha256HexSchema,
  /** what the site runs on (no identifying data): in the join's audit entry and the coordinator's log */
  client: z
    .strictObject({
      kind: z.enum(['browser', 'node']),
      backend: z.string().max(32).optional(),
    })
    .optional(),
});
export type JoinRequest = z.output<typeof JoinRequestSchema>;

export const JoinResponseSchema = z.strictObject({
  siteId: siteIdSchema,
  siteName: z.string().max(200),
  federation: federationSchema,
  planHash: sha256HexSchema,
});
export type JoinResponse = z.output<typeof JoinResponseSchema>;

export const ROUND_STATES = ['open', 'collecting', 'aggregating', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

/** What a site polls (or receives as a server-sent event) to know what to do next. */
export const RoundStatusSchema = z.strictObject({
  federation: federationSchema,
  planHash: sha256HexSchema,
  round: roundSchema,
  rounds: z.number().int().positive(),
  state: z.enum(ROUND_STATES),
  /** true once the last planned round closed */
  finished: z.boolean(),
  /** the model to evaluate and train from this round */
  globalModelHash: sha256HexSchema,
  /** ms since the epoch; null before the round has a deadline */
  deadline: z.number().int().nonnegative().nullable(),
  expectedSites: z.number().int().nonnegative(),
  reportedSites: z.number().int().nonnegative(),
  minSites: z.number().int().positive(),
  /** DP: epsilon spent after the rounds closed so far (absent when DP is off) */
  epsilonSpent: z.number().nonnegative().optional(),
});
export type RoundStatus = z.output<typeof RoundStatusSchema>;

/** Federated evaluation: a site's means over its validation cases for the round's global model. */
/**
 * A site says whether it takes part (POST /me/participation): false when its people
 * pressed Stop, so that rounds do not wait for it; true when a run starts again.
 */
export const ParticipationSchema = z.strictObject({ participating: z.boolean() });
export type Participation = z.output<typeof ParticipationSchema>;

export const MetricsReportSchema = z.strictObject({
  federation: federationSchema,
  planHash: sha256HexSchema,
  round: roundSchema,
  siteId: siteIdSchema,
  modelHash: sha256HexSchema,
  cases: z.number().int().nonnegative(),
  dice: regionScoresSchema,
  hd95: regionScoresSchema,
});
export type MetricsReport = z.output<typeof MetricsReportSchema>;

/** Local training summary that travels with an update. */
export const LocalMetricsSchema = z.strictObject({
  steps: z.number().int().nonnegative(),
  meanLoss: finite(),
  lastLoss: finite(),
  durationMs: z.number().nonnegative().optional(),
});
export type LocalMetrics = z.output<typeof LocalMetricsSchema>;

/** The JSON header of an update envelope. */
export const UpdateMetaSchema = z.strictObject({
  federation: federationSchema,
  planHash: sha256HexSchema,
  round: roundSchema,
  siteId: siteIdSchema,
  /** the global model this update is a delta from */
  baseModelHash: sha256HexSchema,
  /** training cases used (FedAvg weight) */
  sampleCount: z.number().int().positive(),
  codec: z.strictObject({ name: z.string().min(1).max(64), options: z.record(z.string(), z.unknown()).default({}) }),
  localMetrics: LocalMetricsSchema,
  payloadSha256: sha256HexSchema,
  payloadBytes: z.number().int().nonnegative(),
  /** secure aggregation: the payload is a masked vector, not a codec payload */
  secureAggregation: z.boolean().default(false),
});
export type UpdateMeta = z.output<typeof UpdateMetaSchema>;
export type UpdateMetaInput = z.input<typeof UpdateMetaSchema>;

/** Error body of every refused request: a stable code and a sentence. */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({ code: z.string().regex(/^[A-Z][A-Z0-9_]*$/), message: z.string() }),
});
export type ErrorBody = z.output<typeof ErrorBodySchema>;

/** Validate a control message; FedsegError 'MESSAGE_INVALID' lists each problem with its path. */
export function parseMessage<S extends z.ZodType>(schema: S, json: unknown, source: string): z.output<S> {
  return parseWithSchema(schema, json, source, 'MESSAGE_INVALID');
}
