/**
 * The coordinator's HTTP API (hono), all under /api/v1, and the built page at /.
 * JSON for control, application/octet-stream for models and updates, server-sent
 * events (or long polling) for round notifications. One error handler: known errors
 * become 4xx with a stable code (docs/api.md lists them), unknown ones are logged and
 * become 500. Every refused upload or signed request is written to the audit log.
 */
import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { streamSSE } from 'hono/streaming';
import { InviteCheckRequestSchema, JoinRequestSchema, MetricsReportSchema, ParticipationSchema, parseMessage, SHA256_HEX, type InviteCheckResponse } from '../core/protocol/messages.ts';
import { InviteRequestSchema, type InviteResponse, type RevokeResponse } from '../core/protocol/operatorActions.ts';
import { publishedPlan } from '../core/protocol/plan.ts';
import { BODY_HASH_HEADER, SIGNATURE_HEADERS } from '../core/protocol/signing.ts';
import { specSize } from '../core/protocol/weightSpec.ts';
import { SecAggAdvertiseSchema, SecAggSharesSchema, SecAggUnmaskResponseSchema } from '../core/privacy/secAggMessages.ts';
import type { Federation } from './federation.ts';
import { ConnectionLimit } from './connectionLimit.ts';
import { errorAnswer, HttpError } from './httpError.ts';
import { operatorStatus } from './operatorStatus.ts';
import { hashInviteToken } from './inviteToken.ts';
import { createSiteInvite, revokeSiteOnce } from './siteInvites.ts';
import { checkOperatorToken } from './operatorToken.ts';
import { readBody, readJson } from './readBody.ts';
import { RequestAuth } from './requestAuth.ts';
import { staticSite } from './staticSite.ts';
import type { FederationStore } from './storage/federationStore.ts';

export interface AppOptions {
  readonly federation: Federation;
  readonly store: FederationStore;
  /** folder of the built page; null serves no page */
  readonly staticRoot: string | null;
  /** what GET /status wants as its bearer token (operatorToken.ts) */
  readonly operatorToken: string;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** anonymous long polls and event streams open at once, at most (default 512); sites' signed waits do not count */
  readonly maxWaiting?: number;
  /** of those, at most this many from one address (default 32) */
  readonly maxWaitingPerAddress?: number;
  /** an event stream is closed after this long (default 30 minutes) and the client reconnects, so none holds a slot for ever */
  readonly eventStreamLifetimeMs?: number;
  /** a JSON message's body must arrive within this long (default 60 s) */
  readonly jsonBodyMs?: number;
}

const LONG_POLL_MAX_S = 60;
const MAX_WAITING = 512;
const MAX_WAITING_PER_ADDRESS = 32;
/** bodies of uploads whose signature is checked only after them, buffered at once at most */
const UNVERIFIED_BODIES = 4;
/** bytes of verified upload bodies buffered at once, at most (each counted at the largest an upload may be) */
const VERIFIED_BODY_BUDGET = 1024 * 1024 * 1024;
/** verified upload bodies of one site buffered at once (its upload and a retry of it) */
const VERIFIED_BODIES_PER_SITE = 2;
/** JSON bodies (joins, reports, secure-aggregation messages) read at once, at most, and from one address */
const JSON_BODIES = 64;
const JSON_BODIES_PER_ADDRESS = 8;
const JSON_BODY_MS = 60_000;
const SSE_KEEPALIVE_MS = 15_000;
const SSE_LIFETIME_MS = 30 * 60_000;
/** how long an EventSource waits before it reconnects to a stream that ended (the SSE `retry` field) */
const SSE_RETRY_MS = 2_000;

/** The peer's address as the socket has it ('' where the request did not come over a socket, as in app.request). */
function remoteAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return '';
  }
}

export function createApp(opts: AppOptions): Hono {
  const { federation, store } = opts;
  const log = opts.log ?? ((line: string) => console.error(line));
  const auth = new RequestAuth(store, opts.now);
  const now = opts.now ?? Date.now;
  const maxWaiting = opts.maxWaiting ?? MAX_WAITING;
  const waiting = new ConnectionLimit(maxWaiting, Math.min(maxWaiting, opts.maxWaitingPerAddress ?? MAX_WAITING_PER_ADDRESS));
  const streamLifetimeMs = opts.eventStreamLifetimeMs ?? SSE_LIFETIME_MS;
  const plan = federation.plan;
  const maxMessage = plan.limits.maxMessageBytes;
  // the largest update any codec can need (float32 values plus indices), capped by the plan
  const maxUpdate = Math.min(plan.limits.maxUpdateBytes, specSize(federation.spec) * 8 + 128 * 1024);

  // large bodies whose signature could not be checked before reading them (a client that does not
  // name its body's SHA-256): only a few are buffered at once, so forged headers cannot fill the memory
  const unverifiedBodies = new ConnectionLimit(UNVERIFIED_BODIES, Math.min(UNVERIFIED_BODIES, 2));
  // signed ones too: a few per site, and no more at once than the memory budget holds at
  // the largest size, so that sites uploading at once (or one sending many) cannot exhaust it
  const verifiedCount = Math.max(VERIFIED_BODIES_PER_SITE, Math.floor(VERIFIED_BODY_BUDGET / Math.max(1, maxUpdate)));
  const verifiedBodies = new ConnectionLimit(verifiedCount, VERIFIED_BODIES_PER_SITE, 'this site');
  /**
   * A large signed body, checked as far as it can be before it is read (the signature too,
   * when the request names the body's hash), then handed to `use` with the site that signed
   * it. Its site's slot is held until `use` is done with it (decoded, stored), not only
   * while it is read; a body whose signature is checked after it holds an unverified slot
   * while it is read, then its site's.
   */
  const withSignedBody = async <T>(c: Context, max: number, what: string, use: (siteId: string, bytes: Uint8Array) => Promise<T>): Promise<T> => {
    const { signatureVerified } = await auth.precheck(c);
    if (signatureVerified) {
      // the signature verified: the site header names the site that sent it
      const site = c.req.header(SIGNATURE_HEADERS.site) ?? '';
      return verifiedBodies.hold(`${what} of site ${site}`, site, async () => {
        const bytes = await readBody(c, max, what);
        return use(await auth.siteOf(c, bytes), bytes);
      });
    }
    const bytes = await unverifiedBodies.hold(`${what} without ${BODY_HASH_HEADER}`, remoteAddress(c), () => readBody(c, max, what));
    const siteId = await auth.siteOf(c, bytes);
    return verifiedBodies.hold(`${what} of site ${siteId}`, siteId, () => use(siteId, bytes));
  };

  // JSON bodies from clients not known yet (a join) or whose signature is checked only after the body:
  // a few at once from one address, each within jsonBodyMs, so slow senders cannot hold the sockets
  const jsonBodies = new ConnectionLimit(JSON_BODIES, JSON_BODIES_PER_ADDRESS);
  const jsonBodyMs = opts.jsonBodyMs ?? JSON_BODY_MS;
  const anonymousJson = (c: Context, what: string) => jsonBodies.hold(what, remoteAddress(c), () => readJson(c, maxMessage, what, jsonBodyMs));
  /** A signed JSON message: its signature checked before the body is read when it names the body's hash (as fedseg's clients do). */
  const signedJson = async (c: Context, what: string): Promise<{ value: unknown; bytes: Uint8Array }> => {
    const { signatureVerified } = await auth.precheck(c);
    return signatureVerified ? readJson(c, maxMessage, what, jsonBodyMs) : anonymousJson(c, what);
  };

  const app = new Hono();

  app.onError(async (err, c) => {
    const a = errorAnswer(err);
    if (a.unknown) {
      log(`${c.req.method} ${new URL(c.req.url).pathname}: ${err instanceof Error ? err.stack : String(err)}`);
    } else if (c.req.method !== 'GET' || c.req.header(SIGNATURE_HEADERS.site) || a.body.error.code.startsWith('OPERATOR_TOKEN_')) {
      // refused writes, signed requests and attempts at the operator's view are audited
      // the site header is only a claim until the signature verified: the entry names a site only then
      const claimed = c.req.header(SIGNATURE_HEADERS.site) ?? null;
      const site = auth.verifiedSite(c);
      await federation.auditRefusal(site, a.body.error.code, `${c.req.method} ${new URL(c.req.url).pathname}`, site === null ? claimed : null).catch(() => undefined);
    }
    return c.json(a.body, a.status);
  });

  const api = new Hono();
  api.get('/health', (c) => c.json({ ok: true }));

  api.get('/plan', (c) => c.json({ plan: publishedPlan(plan), planHash: federation.planHash }));

  api.post('/join', async (c) => {
    const { value } = await anonymousJson(c, 'join request');
    const req = parseMessage(JoinRequestSchema, value, 'join request');
    return c.json(await federation.join(req));
  });

  api.post('/invites/check', async (c) => {
    const { value } = await anonymousJson(c, 'invite check');
    const { inviteToken } = parseMessage(InviteCheckRequestSchema, value, 'invite check');
    const site = await store.siteOfInvite(await hashInviteToken(inviteToken));
    if (!site) throw new HttpError(404, 'INVITE_INVALID', 'invite check: the invite token is unknown or revoked; ask the operator for a new invite');
    return c.json({ siteName: site.name, usable: site.status === 'invited' } satisfies InviteCheckResponse);
  });

  api.get('/round', async (c) => {
    const after = intParam(c, 'after');
    const waitS = Math.min(LONG_POLL_MAX_S, Math.max(0, intParam(c, 'wait') ?? 0));
    if (after === undefined || waitS === 0) return c.json(await federation.roundStatus());
    // the signal aborts when the client goes away
    const poll = () => federation.waitForRound(after, waitS * 1000, c.req.raw.signal);
    // a site's signed poll is never refused for the anonymous ones: they cannot starve the federation
    if (c.req.header(SIGNATURE_HEADERS.site)) {
      await auth.siteOf(c, null);
      return c.json(await poll());
    }
    return c.json(await waiting.hold('round long poll', remoteAddress(c), poll));
  });

  api.get('/events', (c) => {
    const release = waiting.acquire('event stream', remoteAddress(c));
    return streamSSE(c, async (stream) => {
      let off = () => {};
      stream.onAbort(() => {
        off();
        release();
      });
      try {
        let id = 0;
        const send = (s: unknown) => stream.writeSSE({ event: 'round', id: String(++id), data: JSON.stringify(s), retry: SSE_RETRY_MS });
        await send(await federation.roundStatus());
        off = federation.onChange((s) => void send(s).catch(() => undefined));
        // the stream ends after its lifetime (an EventSource reconnects after `retry`)
        const endsAt = Date.now() + streamLifetimeMs;
        while (!stream.aborted && Date.now() < endsAt) {
          await stream.sleep(Math.min(SSE_KEEPALIVE_MS, Math.max(0, endsAt - Date.now())));
          if (!stream.aborted && Date.now() < endsAt) await stream.write(': keep-alive\n\n');
        }
      } finally {
        off();
        release();
      }
    });
  });

  api.get('/status', async (c) => {
    checkOperatorToken(c.req.header('authorization'), opts.operatorToken, 'operator status');
    return c.json(await operatorStatus(store, plan, federation.planHash, await federation.roundStatus(), federation.roundNotice));
  });

  // the operator's actions, with the operator token (as `fedseg invite` does from the data folder)
  api.post('/invites', async (c) => {
    checkOperatorToken(c.req.header('authorization'), opts.operatorToken, 'invite');
    const { value } = await anonymousJson(c, 'invite request');
    const req = parseMessage(InviteRequestSchema, value, 'invite request');
    // the page makes the URL from the address the operator reached, which the coordinator does not know behind a proxy
    const { siteId, siteName, token } = await createSiteInvite(store, req.siteName, '', now());
    return c.json({ siteId, siteName, token } satisfies InviteResponse, 201);
  });

  api.post('/sites/:siteId/revoke', async (c) => {
    checkOperatorToken(c.req.header('authorization'), opts.operatorToken, 'revoke');
    const siteId = c.req.param('siteId');
    const outcome = await revokeSiteOnce(store, siteId, now());
    if (outcome === 'unknown') throw new HttpError(404, 'UNKNOWN_SITE', `revoke: expected a site id of this federation (the dashboard and fedseg status list them), found "${siteId.slice(0, 64)}"`);
    // the round stops waiting for it (or takes its update out) now, not at the round clock's next tick;
    // the revocation stands even if that fails (the round clock tries again)
    if (outcome === 'revoked') await federation.tick().catch((e: unknown) => log(`revoke ${siteId}: deciding the round failed (${e instanceof Error ? e.message : String(e)})`));
    return c.json({ siteId, status: 'revoked', alreadyRevoked: outcome === 'already' } satisfies RevokeResponse);
  });

  api.get('/me', async (c) => {
    const siteId = await auth.siteOf(c, null);
    const site = await store.site(siteId);
    return c.json({ siteId, siteName: site?.name ?? siteId, status: site?.status ?? 'active' });
  });

  api.get('/models/:hash', async (c) => {
    await auth.siteOf(c, null);
    const hash = c.req.param('hash');
    if (!SHA256_HEX.test(hash)) throw new HttpError(400, 'BAD_HASH', `expected a SHA-256 as 64 lower-case hex digits, found "${hash.slice(0, 80)}"`);
    const bytes = await federation.model(hash);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/octet-stream',
      ETag: `"${hash}"`,
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
  });

  api.post('/me/participation', async (c) => {
    const { value, bytes } = await signedJson(c, 'participation');
    const siteId = await auth.siteOf(c, bytes);
    const { participating } = parseMessage(ParticipationSchema, value, 'participation');
    await federation.setParticipation(siteId, participating);
    return c.json({ siteId, participating });
  });

  api.post('/rounds/:round/evaluation', async (c) => {
    const round = pathRound(c);
    const { value, bytes } = await signedJson(c, 'evaluation report');
    const siteId = await auth.siteOf(c, bytes);
    const report = parseMessage(MetricsReportSchema, value, 'evaluation report');
    if (report.round !== round) throw new HttpError(400, 'ROUND_PATH_MISMATCH', `evaluation: the path names round ${round}, the report round ${report.round}`);
    const status = await federation.submitEvaluation(siteId, report);
    return c.json({ status, round });
  });

  api.post('/rounds/:round/update', async (c) => {
    const round = pathRound(c);
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/octet-stream')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `update: expected Content-Type application/octet-stream, found "${type}"`);
    }
    const result = await withSignedBody(c, maxUpdate, 'update', (siteId, bytes) => federation.submitUpdate(siteId, bytes, round));
    return c.json(result);
  });

  // --- secure aggregation (docs/api.md, "Secure aggregation") ---------------------------
  api.post('/rounds/:round/secagg/advertise', async (c) => {
    const round = pathRound(c);
    const { value, bytes } = await signedJson(c, 'secure aggregation keys');
    const siteId = await auth.siteOf(c, bytes);
    return c.json(await federation.secAgg.post(siteId, round, 'advertise', parseMessage(SecAggAdvertiseSchema, value, 'secure aggregation keys')));
  });

  api.post('/rounds/:round/secagg/shares', async (c) => {
    const round = pathRound(c);
    const { value, bytes } = await signedJson(c, 'secure aggregation shares');
    const siteId = await auth.siteOf(c, bytes);
    return c.json(await federation.secAgg.post(siteId, round, 'shares', parseMessage(SecAggSharesSchema, value, 'secure aggregation shares')));
  });

  api.post('/rounds/:round/secagg/masked', async (c) => {
    const round = pathRound(c);
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/octet-stream')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `masked input: expected Content-Type application/octet-stream, found "${type}"`);
    }
    return c.json(await withSignedBody(c, 4 * specSize(federation.spec), 'masked input', (siteId, bytes) => federation.secAgg.masked(siteId, round, bytes)));
  });

  api.post('/rounds/:round/secagg/unmask', async (c) => {
    const round = pathRound(c);
    const { value, bytes } = await signedJson(c, 'secure aggregation unmask response');
    const siteId = await auth.siteOf(c, bytes);
    return c.json(await federation.secAgg.post(siteId, round, 'unmask', parseMessage(SecAggUnmaskResponseSchema, value, 'secure aggregation unmask response')));
  });

  for (const kind of ['roster', 'shares', 'unmask'] as const) {
    api.get(`/rounds/:round/secagg/${kind}`, async (c) => {
      const round = pathRound(c);
      const waitS = Math.min(LONG_POLL_MAX_S, Math.max(0, intParam(c, 'wait') ?? 0));
      const siteId = await auth.siteOf(c, null);
      return c.json(await federation.secAgg.wait(siteId, round, kind, waitS * 1000, c.req.raw.signal)); // signed: a site's, never refused for anonymous waits
    });
  }

  api.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no API route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  app.route('/api/v1', api);
  app.all('/api/*', (c) => c.json({ error: { code: 'NOT_FOUND', message: `no API route ${c.req.method} ${new URL(c.req.url).pathname} (the API lives under /api/v1)` } }, 404));

  if (opts.staticRoot !== null) app.get('*', staticSite(opts.staticRoot));
  return app;
}

function intParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(400, 'BAD_QUERY', `query ${name}: expected a non-negative integer, found "${v.slice(0, 40)}"`);
  return Number(v);
}

function pathRound(c: Context): number {
  const v = c.req.param('round') ?? '';
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(400, 'BAD_ROUND', `expected a round number in the path, found "${v.slice(0, 40)}"`);
  return Number(v);
}
