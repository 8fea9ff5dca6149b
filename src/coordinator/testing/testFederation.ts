/**
 * Helpers for the coordinator's integration tests: a real coordinator on loopback (port
 * 0) over a temporary data folder, sites that join with real keys, and hand-built
 * updates and signed requests (to send what a well-behaved client never would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, planHash as hashPlan, type Plan, type PlanInput } from '../../core/protocol/plan.ts';
import { ProtocolClient, type RetryPolicy } from '../../core/protocol/client/protocolClient.ts';
import { generateSiteKeyPair, SIGNATURE_HEADERS, signRequest } from '../../core/protocol/signing.ts';
import type { CryptoKeyLike } from '../../core/util/webCrypto.ts';
import { encodeUpdateEnvelope } from '../../core/protocol/updateEnvelope.ts';
import { decodeWeightsBlob } from '../../core/protocol/weightsBlob.ts';
import { codecFor } from '../../core/codecs/updateCodec.ts';
import type { WeightSet } from '../../core/types/weights.ts';
import { startCoordinator, type RunningCoordinator } from '../startCoordinator.ts';
import { parseMessage } from '../../core/protocol/messages.ts';
import { OperatorStatusSchema, type OperatorStatus } from '../../core/protocol/operatorStatusSchema.ts';

export function tempDir(prefix = 'fedseg-coord-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function testPlan(overrides: PlanInput = {}): Plan {
  return parsePlan(
    {
      federation: 'test federation',
      model: { preset: 'tiny', seed: 3 },
      rounds: 2,
      training: { localSteps: 2 },
      stragglers: { minSites: 1, roundDeadlineSeconds: 120 },
      ...overrides,
    },
    'test plan',
  );
}

export async function startTestCoordinator(plan: Plan, dataDir: string): Promise<RunningCoordinator> {
  return startCoordinator({ plan, dataDir, port: 0, staticRoot: null, log: () => undefined, clockMs: 50 });
}

export interface TestSite {
  readonly siteId: string;
  readonly client: ProtocolClient;
  readonly privateKey: CryptoKeyLike;
}

/**
 * Invites and joins a site through the HTTP API. Its client tries each request once (a
 * refusal or an outage shows at once) unless `retry` says otherwise: a site that trains in
 * the test's own process blocks the coordinator's event loop for seconds, and its next
 * request may then meet a kept-alive connection the server is just closing (ECONNRESET).
 */
export async function joinSite(c: RunningCoordinator, name: string, retry: Partial<RetryPolicy> = { attempts: 1 }): Promise<TestSite> {
  const invite = await c.invite(name);
  const client = new ProtocolClient({ baseUrl: c.url, retry });
  const { planHash } = await client.plan();
  const keys = await generateSiteKeyPair();
  const joined = await client.join(invite.token, keys, planHash, { kind: 'node' });
  return { siteId: joined.siteId, client, privateKey: keys.privateKey };
}

/** The round's global weights as the site downloads them. */
export async function globalWeights(site: TestSite, hash: string): Promise<WeightSet> {
  return decodeWeightsBlob(await site.client.model(hash), { expected: null, kind: 'MODEL' });
}

/** A delta of the global's shapes, every value `value` (payload encoded with the plan's codec). */
export function constantDelta(global: WeightSet, value: number): WeightSet {
  return global.map((t) => ({ name: t.name, shape: t.shape, values: new Float32Array(t.values.length).fill(value) }));
}

/** An update envelope; `payload` overrides the codec's encoding of `delta` (to send NaN, wrong sizes). */
export async function updateEnvelope(
  plan: Plan,
  site: TestSite,
  round: number,
  baseModelHash: string,
  delta: WeightSet,
  opts: { planHash?: string; payload?: Uint8Array; sampleCount?: number } = {},
): Promise<Uint8Array> {
  const payload = opts.payload ?? codecFor(plan.codec).encode(delta);
  const { bytes } = await encodeUpdateEnvelope(
    {
      federation: plan.federation, planHash: opts.planHash ?? (await hashPlan(plan)), round, siteId: site.siteId, baseModelHash,
      sampleCount: opts.sampleCount ?? 4, codec: { name: plan.codec.name, options: {} },
      localMetrics: { steps: 1, meanLoss: 0.5, lastLoss: 0.4 }, secureAggregation: false,
    },
    payload,
  );
  return bytes;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** The headers of a signed request (to send, tamper with or replay). */
export async function signedHeaders(siteId: string, key: CryptoKeyLike, req: RawRequest): Promise<Record<string, string>> {
  const sig = await signRequest(key, { method: req.method, path: req.path, body: req.body ?? null });
  return {
    [SIGNATURE_HEADERS.site]: siteId,
    [SIGNATURE_HEADERS.timestamp]: String(sig.timestamp),
    [SIGNATURE_HEADERS.nonce]: sig.nonce,
    [SIGNATURE_HEADERS.signature]: sig.signature,
  };
}

/** Sends a raw request; resolves with the status and the parsed JSON answer. */
export async function send(baseUrl: string, req: RawRequest): Promise<{ status: number; json: any }> {
  const attempt = () =>
    fetch(baseUrl + req.path, {
      method: req.method,
      headers: { ...(req.contentType ? { 'content-type': req.contentType } : {}), ...req.headers },
      ...(req.body ? { body: req.body as Uint8Array<ArrayBuffer> } : {}),
    });
  let res: Response;
  try {
    res = await attempt();
  } catch (e) {
    // The coordinator runs in this process: after a long synchronous stretch (training on the
    // CPU backend) the keep-alive timers of both ends expired together, and fetch may have
    // reused a socket the server was closing (ECONNRESET, "other side closed"). A GET is
    // safe to send again on a new socket; anything else fails as it came.
    if (req.method !== 'GET') throw e;
    res = await attempt();
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** The operator's view, GET /api/v1/status with the coordinator's operator token. */
export async function operatorStatusOf(c: { readonly url: string; readonly operatorToken: string }): Promise<OperatorStatus> {
  const r = await send(c.url, { method: 'GET', path: '/api/v1/status', headers: { authorization: `Bearer ${c.operatorToken}` } });
  if (r.status !== 200) throw new Error(`operator status: ${r.status} ${JSON.stringify(r.json)}`);
  // the coordinator's answer is what fedseg status checks it to be
  return parseMessage(OperatorStatusSchema, r.json, 'GET /api/v1/status');
}

/** Uploads an envelope signed by the site (no retry). */
export async function sendUpdate(baseUrl: string, site: TestSite, round: number, body: Uint8Array): Promise<{ status: number; json: any }> {
  const req = { method: 'POST', path: `/api/v1/rounds/${round}/update`, body, contentType: 'application/octet-stream' };
  return send(baseUrl, { ...req, headers: await signedHeaders(site.siteId, site.privateKey, req) });
}
