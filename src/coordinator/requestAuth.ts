/**
 * Checks that a request comes from an active site: the signature headers are there,
 * the site is known and not revoked, the timestamp is within the window, the ECDSA
 * signature covers this exact method, path, timestamp, nonce and body, and the nonce
 * was never used before (a replay fails even within the window). The nonce is
 * remembered only after the signature verified, so nobody can burn a site's nonces.
 * A request that names its body's SHA-256 (BODY_HASH_HEADER) has its signature verified
 * and its nonce taken in `precheck`, before a large body is read (replayed headers are
 * refused before their body is read); the body is then checked against the hash.
 */
import type { Context } from 'hono';
import { BODY_HASH_HEADER, bodySha256, SIGNATURE_HEADERS, importPublicJwk, isFreshTimestamp, verifyRequest } from '../core/protocol/signing.ts';
import { SHA256_HEX } from '../core/protocol/messages.ts';
import type { PublicKeyJwk } from '../core/protocol/messages.ts';
import type { CryptoKeyLike } from '../core/util/webCrypto.ts';
import { siteRevoked } from './federationRefusals.ts';
import { HttpError } from './httpError.ts';
import type { FederationStore } from './storage/federationStore.ts';

export const SIGNATURE_WINDOW_MS = 5 * 60_000;
/**
 * A body checked before it was read (precheck) may take this long to arrive: the timestamp
 * is checked once, when the headers came, so an upload on a slow link is not stale by the
 * time its last byte is in. Nonces are kept long enough that a replay cannot outlast them.
 */
export const MAX_BODY_MS = 30 * 60_000;
const NONCE_RETENTION_MS = 2 * SIGNATURE_WINDOW_MS + MAX_BODY_MS;

export class RequestAuth {
  private readonly keys = new Map<string, CryptoKeyLike>();
  /** requests whose signature verified, and their site */
  private readonly verified = new WeakMap<Request, string>();
  /** requests prechecked before their body was read: when, and the body hash their signature was verified with */
  private readonly prechecked = new WeakMap<Request, { readonly at: number; readonly bodySha256: string | null }>();
  constructor(
    private readonly store: FederationStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What can be checked before the body is read (headers present, site active, timestamp
   * fresh, nonce well-formed; and the signature itself when the request names its body's
   * SHA-256 in BODY_HASH_HEADER): endpoints that take large bodies call it first, so that a
   * request that could never pass is refused before its body is buffered. Resolves to
   * whether the signature was verified (the body is then only checked against its hash).
   */
  async precheck(c: Context): Promise<{ readonly signatureVerified: boolean }> {
    const h = await this.headersOf(c, this.now());
    const claimed = c.req.header(BODY_HASH_HEADER);
    if (claimed === undefined) {
      this.prechecked.set(c.req.raw, { at: h.now, bodySha256: null });
      return { signatureVerified: false };
    }
    if (!SHA256_HEX.test(claimed)) throw new HttpError(401, 'BAD_SIGNATURE', `expected ${BODY_HASH_HEADER} as 64 lower-case hex digits, found "${claimed.slice(0, 80)}"`);
    await this.verify(c, h, { bodySha256: claimed, body: null });
    this.verified.set(c.req.raw, h.siteId);
    // taken now, before the body is read: replayed headers must not make the coordinator read another body
    await this.takeNonce(h.siteId, h.nonce, h.now);
    this.prechecked.set(c.req.raw, { at: h.now, bodySha256: claimed });
    return { signatureVerified: true };
  }

  /** The id of the site that signed this request; HttpError 401/403 otherwise. */
  async siteOf(c: Context, body: Uint8Array | null): Promise<string> {
    const now = this.now();
    const pre = this.prechecked.get(c.req.raw);
    if (pre !== undefined && now - pre.at > MAX_BODY_MS) {
      throw new HttpError(408, 'BODY_TOO_SLOW', `the body took ${Math.round((now - pre.at) / 1000)} s to arrive after its headers; at most ${MAX_BODY_MS / 1000} s`);
    }
    // the timestamp is judged at the time the headers came
    const h = await this.headersOf(c, pre?.at ?? now);
    const { siteId, nonce } = h;
    if (pre?.bodySha256) {
      // the signature was verified over this hash before the body came (and its nonce taken): the body must have it
      if ((await bodySha256(body)) !== pre.bodySha256) {
        throw new HttpError(401, 'BAD_SIGNATURE', `the body does not have the SHA-256 its signature covers (${BODY_HASH_HEADER}) for site "${siteId}"`);
      }
      return siteId;
    }
    await this.verify(c, h, { body });
    // the site did sign it: a replay's refusal is audited under that site
    this.verified.set(c.req.raw, siteId);
    await this.takeNonce(siteId, nonce, now);
    return siteId;
  }

  /** Remembers a verified request's nonce; REPLAYED when it was used before. */
  private async takeNonce(siteId: string, nonce: string, now: number): Promise<void> {
    if (!(await this.store.rememberNonce(siteId, nonce, now, now - NONCE_RETENTION_MS))) {
      throw new HttpError(401, 'REPLAYED', `nonce ${nonce} was already used by site "${siteId}": a request is accepted once`);
    }
  }

  /** Verifies the request's signature over its body, or over the body hash it names; BAD_SIGNATURE otherwise. */
  private async verify(
    c: Context,
    h: { siteId: string; site: { publicKey: unknown }; timestamp: number; nonce: string; signature: string },
    body: { body: Uint8Array | null; bodySha256?: string },
  ): Promise<void> {
    const url = new URL(c.req.url);
    const key = await this.key(h.siteId, h.site.publicKey as PublicKeyJwk);
    const req = { method: c.req.method, path: url.pathname + url.search, ...body };
    if (!(await verifyRequest(key, req, { timestamp: h.timestamp, nonce: h.nonce, signature: h.signature }))) {
      throw new HttpError(401, 'BAD_SIGNATURE', `the signature does not match this request for site "${h.siteId}" (method, path, timestamp, nonce and body are signed)`);
    }
  }

  private async headersOf(c: Context, now: number) {
    const siteId = c.req.header(SIGNATURE_HEADERS.site);
    const ts = c.req.header(SIGNATURE_HEADERS.timestamp);
    const nonce = c.req.header(SIGNATURE_HEADERS.nonce);
    const signature = c.req.header(SIGNATURE_HEADERS.signature);
    if (!siteId || !ts || !nonce || !signature) {
      throw new HttpError(401, 'SIGNATURE_MISSING', `expected the headers ${Object.values(SIGNATURE_HEADERS).join(', ')}; found ${[siteId && 'site', ts && 'timestamp', nonce && 'nonce', signature && 'signature'].filter(Boolean).join(', ') || 'none'}`);
    }
    const site = await this.store.site(siteId);
    if (!site || !site.publicKey) throw new HttpError(401, 'UNKNOWN_SITE', `no site "${siteId}" has joined this federation`);
    if (site.status === 'revoked') throw siteRevoked(siteId);
    const timestamp = Number(ts);
    if (!/^\d{1,16}$/.test(ts) || !isFreshTimestamp(timestamp, now, SIGNATURE_WINDOW_MS)) {
      throw new HttpError(401, 'STALE_TIMESTAMP', `expected a timestamp within ${SIGNATURE_WINDOW_MS / 1000} s of the coordinator's clock (${now}), found ${ts}; check the site's clock`);
    }
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw new HttpError(401, 'BAD_SIGNATURE', 'expected a nonce of 16-64 base64url characters');
    return { siteId, site, timestamp, nonce, signature, now };
  }

  /** The site whose signature this request carried and passed; null when it was not verified (yet). */
  verifiedSite(c: Context): string | null {
    return this.verified.get(c.req.raw) ?? null;
  }

  private async key(siteId: string, jwk: PublicKeyJwk): Promise<CryptoKeyLike> {
    let k = this.keys.get(siteId);
    if (!k) {
      k = await importPublicJwk(jwk);
      this.keys.set(siteId, k);
    }
    return k;
  }
}
