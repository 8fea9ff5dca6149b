/**
 * The binary body of an update upload: the shared frame (binaryHeader.ts) with magic "FSUE",
 * the UpdateMeta JSON header (messages.ts) and the codec payload (or, with secure
 * aggregation, the masked vector). The header names the payload's byte count and SHA-256;
 * decoding checks both, so a truncated or altered body is refused before it touches state.
 */
import { FedsegError } from '../util/errors.ts';
import { sha256Hex } from '../util/webCrypto.ts';
import { readFrame, writeFrame } from './binaryHeader.ts';
import type { UpdateMeta, UpdateMetaInput } from './messages.ts';
import { UpdateMetaSchema } from './messages.ts';
import { schemaProblems } from './schemaProblems.ts';

const MAGIC = 'FSUE';
const VERSION = 1;

export interface EnvelopeLimits {
  /** whole envelope, bytes (the plan's limits.maxUpdateBytes) */
  readonly maxBytes: number;
  /** JSON header, bytes (default 64 KiB) */
  readonly maxHeaderBytes?: number;
}

export interface UpdateEnvelope {
  readonly meta: UpdateMeta;
  /** a view into the decoded bytes */
  readonly payload: Uint8Array;
}

/** Meta without the payload's hash and size: encodeUpdateEnvelope fills them in. */
export type UpdateMetaDraft = Omit<UpdateMetaInput, 'payloadSha256' | 'payloadBytes'>;

/** Build the envelope; the meta is validated here too, so a site cannot send what the coordinator would refuse. */
export async function encodeUpdateEnvelope(draft: UpdateMetaDraft, payload: Uint8Array): Promise<{ bytes: Uint8Array; meta: UpdateMeta }> {
  const input = { ...draft, payloadSha256: await sha256Hex(payload), payloadBytes: payload.length };
  const parsed = UpdateMetaSchema.safeParse(input);
  if (!parsed.success) {
    throw new FedsegError('UPDATE_META_INVALID', 'update meta: ' + schemaProblems(parsed.error.issues, input).join('; '));
  }
  return { bytes: writeFrame(MAGIC, VERSION, parsed.data, payload), meta: parsed.data };
}

/**
 * Decode and validate: size limits (UPDATE_TOO_LARGE), frame (UPDATE_MALFORMED), header
 * schema (UPDATE_META_INVALID), payload length and SHA-256 (UPDATE_HASH_MISMATCH).
 */
export async function decodeUpdateEnvelope(bytes: Uint8Array, limits: EnvelopeLimits, source = 'update'): Promise<UpdateEnvelope> {
  if (bytes.length > limits.maxBytes) {
    throw new FedsegError('UPDATE_TOO_LARGE', `${source}: expected at most ${limits.maxBytes} bytes, found ${bytes.length}`);
  }
  const frame = readFrame(bytes, MAGIC, VERSION, limits.maxHeaderBytes ?? 64 * 1024, 'UPDATE', source);
  const parsed = UpdateMetaSchema.safeParse(frame.header);
  if (!parsed.success) {
    throw new FedsegError('UPDATE_META_INVALID', `${source}: header: ` + schemaProblems(parsed.error.issues, frame.header).join('; '));
  }
  const meta = parsed.data;
  if (frame.body.length !== meta.payloadBytes) {
    throw new FedsegError('UPDATE_HASH_MISMATCH', `${source}: expected a payload of ${meta.payloadBytes} bytes, found ${frame.body.length}`);
  }
  const hash = await sha256Hex(frame.body);
  if (hash !== meta.payloadSha256) {
    throw new FedsegError('UPDATE_HASH_MISMATCH', `${source}: expected payload SHA-256 ${meta.payloadSha256}, found ${hash}`);
  }
  return { meta, payload: frame.body };
}

export interface UpdateContext {
  readonly federation: string;
  readonly planHash: string;
  readonly round: number;
  readonly baseModelHash: string;
  /** the site the request was authenticated as */
  readonly siteId: string;
  readonly codecName: string;
  readonly secureAggregation: boolean;
  /** the plan's limits.maxSampleCount */
  readonly maxSampleCount: number;
}

/**
 * The meta names this federation, plan, round, base model, site and codec, and claims no
 * more cases than the plan allows. Codes: UPDATE_PLAN_MISMATCH (federation or plan hash),
 * UPDATE_WRONG_ROUND, UPDATE_BASE_MISMATCH, UPDATE_SITE_MISMATCH, UPDATE_CODEC_MISMATCH,
 * UPDATE_SAMPLE_COUNT.
 */
export function checkUpdateContext(meta: UpdateMeta, ctx: UpdateContext): void {
  const fail = (code: string, what: string, expected: unknown, found: unknown) => {
    throw new FedsegError(code, `update: ${what}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(found)}`);
  };
  if (meta.federation !== ctx.federation) fail('UPDATE_PLAN_MISMATCH', 'federation', ctx.federation, meta.federation);
  if (meta.planHash !== ctx.planHash) fail('UPDATE_PLAN_MISMATCH', 'plan hash', ctx.planHash, meta.planHash);
  if (meta.round !== ctx.round) fail('UPDATE_WRONG_ROUND', 'round', ctx.round, meta.round);
  if (meta.baseModelHash !== ctx.baseModelHash) fail('UPDATE_BASE_MISMATCH', 'base model hash', ctx.baseModelHash, meta.baseModelHash);
  if (meta.siteId !== ctx.siteId) fail('UPDATE_SITE_MISMATCH', 'site id', ctx.siteId, meta.siteId);
  if (meta.codec.name !== ctx.codecName) fail('UPDATE_CODEC_MISMATCH', 'codec', ctx.codecName, meta.codec.name);
  if (meta.secureAggregation !== ctx.secureAggregation) fail('UPDATE_CODEC_MISMATCH', 'secure aggregation', ctx.secureAggregation, meta.secureAggregation);
  if (meta.sampleCount > ctx.maxSampleCount) fail('UPDATE_SAMPLE_COUNT', "sample count (at most the plan's limits.maxSampleCount)", ctx.maxSampleCount, meta.sampleCount);
}
