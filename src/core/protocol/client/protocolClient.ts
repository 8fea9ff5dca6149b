/**
 * The site's side of the wire protocol (docs/api.md), platform-free: fetch and WebCrypto
 * only, so the page's Worker and the Node collaborator share it. Every request after the
 * join is signed with the site's non-extractable ECDSA key (signing.ts); each attempt is
 * signed afresh (a new nonce), so a retry is never a replay. Answers are validated
 * against the schemas in messages.ts; models are checked against their SHA-256.
 */
import type { z } from 'zod';
import { backoffDelay } from '../../util/backoffDelay.ts';
import type { CryptoKeyLike, CryptoKeyPairLike } from '../../util/webCrypto.ts';
import { sha256Hex } from '../../util/webCrypto.ts';
import { parsePlan, planHash as hashPlan, type Plan } from '../plan.ts';
import {
  ErrorBodySchema, InviteCheckResponseSchema, JoinRequestSchema, JoinResponseSchema, MetricsReportSchema, parseMessage, RoundStatusSchema,
  type InviteCheckResponse, type JoinResponse, type MetricsReport, type Participation, type RoundStatus,
} from '../messages.ts';
import { SecAggAdvertiseSchema, SecAggSharesSchema, SecAggUnmaskResponseSchema } from '../../privacy/secAggMessages.ts';
import { BODY_HASH_HEADER, bodySha256, exportPublicJwk, SIGNATURE_HEADERS, signRequest } from '../signing.ts';
import { utf8Encode } from '../utf8.ts';
import { platformFetch, sleep, type FetchLike, type ResponseLike } from './fetchLike.ts';
import type { ModelCache } from './modelCache.ts';
import { ProtocolError } from './protocolError.ts';
import { InviteResponseSchema, RevokeResponseSchema, type InviteRequest, type InviteResponse, type RevokeResponse } from '../operatorActions.ts';
import { OperatorStatusSchema, type OperatorStatus } from '../operatorStatusSchema.ts';

export interface SiteCredentials {
  readonly siteId: string;
  /** ECDSA P-256 private key, non-extractable */
  readonly privateKey: CryptoKeyLike;
}

export interface RetryPolicy {
  /** attempts in all, including the first */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ProtocolClientOptions {
  /** the coordinator's origin, e.g. http://127.0.0.1:8080 (the page passes its own origin) */
  readonly baseUrl: string;
  readonly credentials?: SiteCredentials;
  readonly fetch?: FetchLike;
  readonly retry?: Partial<RetryPolicy>;
  readonly cache?: ModelCache;
  /** aborts waits and retries */
  readonly signal?: { readonly aborted: boolean; addEventListener?(t: 'abort', fn: () => void): void };
  /** every byte the site sends, for the page's ledger */
  readonly onSent?: (entry: { method: string; path: string; bytes: number; at: number }) => void;
}

export interface PlanAnswer {
  readonly plan: Plan;
  readonly planHash: string;
}

export interface UploadAnswer {
  readonly status: 'accepted' | 'duplicate';
  readonly round: number;
  readonly uploadHash: string;
}

export interface SecAggPostAnswer {
  readonly status: 'accepted' | 'duplicate';
  readonly round: number;
  readonly phase: string;
}

export interface SecAggWaitAnswer {
  readonly round: number;
  readonly phase: string;
  readonly ready: boolean;
  /** validated by the caller against its schema (secAggMessages.ts) */
  readonly message?: unknown;
}

const API = '/api/v1';
const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 8000 };

export class ProtocolClient {
  readonly baseUrl: string;
  private creds: SiteCredentials | null;
  private readonly fetchFn: FetchLike;
  private readonly retry: RetryPolicy;
  private readonly cache: ModelCache | null;
  private readonly signal: ProtocolClientOptions['signal'];
  private readonly onSent: ProtocolClientOptions['onSent'];

  constructor(opts: ProtocolClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.creds = opts.credentials ?? null;
    this.fetchFn = opts.fetch ?? platformFetch();
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.cache = opts.cache ?? null;
    this.signal = opts.signal;
    this.onSent = opts.onSent;
  }

  get credentials(): SiteCredentials | null {
    return this.creds;
  }

  /** The same client (site, fetch, cache, retries) whose requests, long polls and waits end when `signal` aborts: one per job. */
  withSignal(signal: NonNullable<ProtocolClientOptions['signal']>): ProtocolClient {
    return new ProtocolClient({
      baseUrl: this.baseUrl, fetch: this.fetchFn, retry: this.retry, signal,
      ...(this.cache ? { cache: this.cache } : {}), ...(this.creds ? { credentials: this.creds } : {}), ...(this.onSent ? { onSent: this.onSent } : {}),
    });
  }

  /** The plan and its hash; the hash is recomputed here, so a site knows what it agrees to. */
  async plan(): Promise<PlanAnswer> {
    const json = (await this.json('GET', '/plan', null, false)) as { plan?: unknown; planHash?: unknown };
    const plan = parsePlan(json.plan, `${this.baseUrl}${API}/plan`);
    const hash = await hashPlan(plan);
    if (hash !== json.planHash) {
      throw new ProtocolError(200, 'PLAN_HASH_MISMATCH', `the coordinator says plan hash ${String(json.planHash)}, its plan hashes to ${hash}`);
    }
    return { plan, planHash: hash };
  }

  /** Joins with a one-time invite; the key pair's private half stays here. */
  async join(inviteToken: string, keys: CryptoKeyPairLike, planHash: string, client?: { kind: 'browser' | 'node'; backend?: string }): Promise<JoinResponse> {
    const body = outgoing(JoinRequestSchema, { inviteToken, publicKeyJwk: await exportPublicJwk(keys.publicKey), planHash, ...(client ? { client } : {}) }, 'join request');
    const answer = parseMessage(JoinResponseSchema, await this.json('POST', '/join', body, false), 'join answer');
    this.creds = { siteId: answer.siteId, privateKey: keys.privateKey };
    return answer;
  }

  /** Whether an invite can be used, and for which site, without using it. */
  async checkInvite(inviteToken: string): Promise<InviteCheckResponse> {
    return parseMessage(InviteCheckResponseSchema, await this.json('POST', '/invites/check', { inviteToken }, false), `POST ${this.baseUrl}${API}/invites/check`);
  }

  /** Tells the coordinator whether this site takes part: false after Stop, so that rounds do not wait for it; true when a run starts. */
  async setParticipation(participating: boolean): Promise<void> {
    await this.json('POST', '/me/participation', { participating } satisfies Participation, true);
  }

  /**
   * setParticipation(false) signed now and not sent: the page sends it as its tab closes
   * (a keepalive fetch), when the Worker that holds the key can sign nothing more. The
   * coordinator takes it once (its nonce) and within the timestamp window (5 min), so the
   * Worker signs a fresh one every minute while the site takes part (keepStopPrepared).
   */
  async preparedStop(): Promise<PreparedRequest> {
    const path = '/me/participation';
    const body = JSON.stringify({ participating: false } satisfies Participation);
    const headers = await this.headersFor('POST', path, utf8Encode(body), true, 'application/json');
    return { url: this.baseUrl + API + path, method: 'POST', headers, body };
  }

  /** Who the coordinator thinks this site is (checks the stored key still works). */
  async me(): Promise<{ siteId: string; siteName: string; status: string }> {
    return (await this.json('GET', '/me', null, true)) as { siteId: string; siteName: string; status: string };
  }

  async round(): Promise<RoundStatus> {
    return parseMessage(RoundStatusSchema, await this.json('GET', '/round', null, false), 'round status');
  }

  /** Long poll: resolves when a round after `after` opens or the federation finished, or after waitS seconds. */
  async waitForRound(after: number, waitS = 30): Promise<RoundStatus> {
    // signed once joined: the coordinator then never refuses it for anonymous waiters (TOO_MANY_WAITING)
    return parseMessage(RoundStatusSchema, await this.json('GET', `/round?after=${after}&wait=${waitS}`, null, this.creds !== null), 'round status');
  }

  /** The operator's view of the federation, with the coordinator's operator token; checked against its schema. */
  async status(operatorToken: string): Promise<OperatorStatus> {
    return parseMessage(OperatorStatusSchema, await this.json('GET', '/status', null, { bearer: operatorToken }), `GET ${this.baseUrl}${API}/status`);
  }

  /** A one-time invite for a new site (the operator's action; the URL is <page>/#/join/<token>). */
  async invite(operatorToken: string, siteName: string): Promise<InviteResponse> {
    return parseMessage(InviteResponseSchema, await this.json('POST', '/invites', { siteName } satisfies InviteRequest, { bearer: operatorToken }), `POST ${this.baseUrl}${API}/invites`);
  }

  /** Revokes a site (the operator's action): its requests are refused from now on. */
  async revoke(operatorToken: string, siteId: string): Promise<RevokeResponse> {
    const path = `/sites/${encodeURIComponent(siteId)}/revoke`;
    return parseMessage(RevokeResponseSchema, await this.json('POST', path, {}, { bearer: operatorToken }), `POST ${this.baseUrl}${API}${path}`);
  }

  /** A global model's bytes, from the cache or the coordinator; checked against its hash. */
  async model(hash: string): Promise<Uint8Array> {
    const cached = await this.cache?.get(hash);
    if (cached) return cached;
    const res = await this.send('GET', `/models/${hash}`, null, true, null);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const found = await sha256Hex(bytes);
    if (found !== hash) throw new ProtocolError(res.status, 'MODEL_HASH_MISMATCH', `model ${hash}: the bytes received hash to ${found}`);
    await this.cache?.put(hash, bytes);
    return bytes;
  }

  /** Federated evaluation: this site's validation metrics for the round's global model. */
  async reportEvaluation(report: MetricsReport): Promise<{ status: string; round: number }> {
    const checked = outgoing(MetricsReportSchema, report, 'evaluation report');
    return (await this.json('POST', `/rounds/${checked.round}/evaluation`, checked, true)) as { status: string; round: number };
  }

  /** Uploads an update envelope (updateEnvelope.ts); retried with backoff, idempotent. */
  async uploadUpdate(round: number, envelope: Uint8Array): Promise<UploadAnswer> {
    const res = await this.send('POST', `/rounds/${round}/update`, envelope, true, 'application/octet-stream');
    return JSON.parse(await res.text()) as UploadAnswer;
  }

  // --- secure aggregation (docs/api.md, "Secure aggregation") -----------------------------

  /** Posts this site's keys, sealed shares or unmask response for `round`; idempotent. */
  async secAggPost(round: number, kind: 'advertise' | 'shares' | 'unmask', message: unknown): Promise<SecAggPostAnswer> {
    const checked = outgoing(SECAGG_SCHEMAS[kind], message, `secure aggregation ${kind}`);
    return (await this.json('POST', `/rounds/${round}/secagg/${kind}`, checked, true)) as SecAggPostAnswer;
  }

  /** Uploads the masked input (uint32 little-endian per weight); idempotent. */
  async secAggMasked(round: number, bytes: Uint8Array): Promise<SecAggPostAnswer & { uploadHash: string }> {
    const res = await this.send('POST', `/rounds/${round}/secagg/masked`, bytes, true, 'application/octet-stream');
    return JSON.parse(await res.text()) as SecAggPostAnswer & { uploadHash: string };
  }

  /** The roster, the shares sealed for this site or the unmask request; long-polls up to waitS seconds. */
  async secAggWait(round: number, kind: 'roster' | 'shares' | 'unmask', waitS = 30): Promise<SecAggWaitAnswer> {
    return (await this.json('GET', `/rounds/${round}/secagg/${kind}?wait=${waitS}`, null, true)) as SecAggWaitAnswer;
  }

  // --- internals -----------------------------------------------------------------------

  private async json(method: string, path: string, body: unknown, signed: Credential): Promise<unknown> {
    const bytes = body === null ? null : utf8Encode(JSON.stringify(body));
    const res = await this.send(method, path, bytes, signed, bytes ? 'application/json' : null);
    const text = await res.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProtocolError(res.status, 'BAD_ANSWER', `${method} ${path}: expected JSON from the coordinator, found ${JSON.stringify(text.slice(0, 80))}`);
    }
  }

  /** One request with retries on network errors, 429 and 5xx; a 4xx fails at once with its code. */
  private async send(method: string, path: string, body: Uint8Array | null, signed: Credential, contentType: string | null): Promise<ResponseLike> {
    let last: ProtocolError | null = null;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) {
        const delay = backoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs);
        await sleep(delay * (0.75 + 0.5 * Math.random()), this.signal);
      }
      if (this.signal?.aborted) throw new ProtocolError(0, 'ABORTED', `${method} ${path}: aborted`);
      try {
        const res = await this.attempt(method, path, body, signed, contentType);
        if (res.ok) return res;
        last = await errorOf(res, method, path);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e; // not the network's failure (signing, say): no retry
        last = e;
      }
      if (!last.retryable) throw last;
    }
    throw last ?? new ProtocolError(0, 'UNREACHABLE', `${method} ${path}: no attempt made`);
  }

  private async attempt(method: string, path: string, body: Uint8Array | null, signed: Credential, contentType: string | null): Promise<ResponseLike> {
    const fullPath = API + path;
    const headers = await this.headersFor(method, path, body, signed, contentType);
    const init = { method, headers, ...(body ? { body } : {}), ...(this.signal ? { signal: this.signal } : {}) };
    let res: ResponseLike;
    try {
      res = await this.fetchFn(this.baseUrl + fullPath, init);
    } catch (e) {
      throw new ProtocolError(0, 'UNREACHABLE', `${method} ${path}: the coordinator at ${this.baseUrl} could not be reached (${(e as Error).message ?? String(e)})`);
    }
    if (body) this.onSent?.({ method, path: fullPath, bytes: body.length, at: Date.now() });
    return res;
  }

  /** A request's headers: its content type and, when signed, a fresh signature (new nonce and timestamp). */
  private async headersFor(method: string, path: string, body: Uint8Array | null, signed: Credential, contentType: string | null): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    const fullPath = API + path;
    if (typeof signed === 'object') headers.authorization = `Bearer ${signed.bearer}`;
    else if (signed) {
      const creds = this.creds;
      if (!creds) throw new ProtocolError(0, 'NOT_JOINED', `${method} ${path}: this site has not joined (no key)`);
      const hash = await bodySha256(body);
      const sig = await signRequest(creds.privateKey, { method, path: fullPath, body, bodySha256: hash });
      headers[BODY_HASH_HEADER] = hash; // lets the coordinator check the signature before it reads the body
      headers[SIGNATURE_HEADERS.site] = creds.siteId;
      headers[SIGNATURE_HEADERS.timestamp] = String(sig.timestamp);
      headers[SIGNATURE_HEADERS.nonce] = sig.nonce;
      headers[SIGNATURE_HEADERS.signature] = sig.signature;
    }
    return headers;
  }
}

/** A request ready to send as it is, once (its signature's nonce): plain data, to pass from the Worker to the page. */
export interface PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How a request proves who sends it: signed by the site (true), not at all (false), or the operator's bearer token. */
type Credential = boolean | { readonly bearer: string };

async function errorOf(res: ResponseLike, method: string, path: string): Promise<ProtocolError> {
  let text = '';
  try {
    text = await res.text();
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return new ProtocolError(res.status, parsed.data.error.code, parsed.data.error.message);
  } catch {
    // not our JSON: a proxy's page, for instance
  }
  return new ProtocolError(res.status, `HTTP_${res.status}`, `${method} ${path}: HTTP ${res.status} ${text.slice(0, 120)}`);
}

const SECAGG_SCHEMAS = { advertise: SecAggAdvertiseSchema, shares: SecAggSharesSchema, unmask: SecAggUnmaskResponseSchema } as const;

/**
 * A message checked against its schema before it leaves the site: the strict schemas
 * refuse any field they do not declare, so nothing beyond what the protocol defines (and
 * the consent text lists) can be sent, whatever a caller put into the object.
 */
function outgoing<S extends z.ZodType>(schema: S, message: unknown, what: string): z.output<S> {
  return parseMessage(schema, message, `${what} (before sending)`);
}
