/**
 * Request signing with a site's ECDSA P-256 key (WebCrypto; the private key is created
 * non-extractable by the caller and never leaves the page or the Node process).
 *
 * String to sign (UTF-8), one field per line:
 *   fedseg-v1\n<METHOD>\n<path with query>\n<timestamp ms>\n<nonce>\n<SHA-256 hex of the body>
 * Signature: ECDSA with SHA-256, IEEE P1363 (r || s, 64 bytes), base64url, as WebCrypto
 * makes it in browsers and Node alike. The coordinator also checks the timestamp window
 * (isFreshTimestamp) and that a nonce is not reused (its own store): a replayed request fails.
 * A site also sends the body's SHA-256 as a header (BODY_HASH_HEADER): the coordinator can
 * then check the signature before it reads a large body, and checks the body against the
 * hash once it is in. The string signed is the same with or without the header.
 */
import type { CryptoKeyLike, CryptoKeyPairLike } from '../util/webCrypto.ts';
import { sha256Hex, webCrypto } from '../util/webCrypto.ts';
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import type { PublicKeyJwk } from './messages.ts';
import { publicKeyJwkSchema } from './messages.ts';
import { utf8Encode } from './utf8.ts';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** HTTP header names that carry a signature. */
export const SIGNATURE_HEADERS = {
  site: 'x-fedseg-site',
  timestamp: 'x-fedseg-timestamp',
  nonce: 'x-fedseg-nonce',
  signature: 'x-fedseg-signature',
} as const;

/** The body's SHA-256 (lower-case hex), sent beside the signature headers; optional for the coordinator. */
export const BODY_HASH_HEADER = 'x-fedseg-body-sha256';

export interface RequestToSign {
  readonly method: string;
  /** path and query exactly as sent, e.g. /api/v1/rounds/3/update */
  readonly path: string;
  readonly body: Uint8Array | string | null;
  /** the body's SHA-256 hex, when known (it is used instead of hashing `body`) */
  readonly bodySha256?: string;
}

export interface RequestSignature {
  readonly timestamp: number;
  readonly nonce: string;
  readonly signature: string;
}

/** A new key pair; the private key cannot be exported (it stays in the page / process). */
export function generateSiteKeyPair(): Promise<CryptoKeyPairLike> {
  return webCrypto().subtle.generateKey(ECDSA, false, ['sign', 'verify']);
}

/** The public key as the JWK a join request carries ({kty, crv, x, y}). */
export async function exportPublicJwk(publicKey: CryptoKeyLike): Promise<PublicKeyJwk> {
  return publicKeyJwkSchema.parse(await webCrypto().subtle.exportKey('jwk', publicKey));
}

export async function importPublicJwk(jwk: PublicKeyJwk): Promise<CryptoKeyLike> {
  return webCrypto().subtle.importKey('jwk', { ...jwk, ext: true }, ECDSA, true, ['verify']);
}

export async function canonicalRequestString(req: RequestToSign, timestamp: number, nonce: string): Promise<string> {
  return ['fedseg-v1', req.method.toUpperCase(), req.path, String(timestamp), nonce, req.bodySha256 ?? (await bodySha256(req.body))].join('\n');
}

/** SHA-256 hex of a request body as it is signed (no body: the hash of zero bytes). */
export function bodySha256(body: Uint8Array | string | null): Promise<string> {
  return sha256Hex(body === null ? new Uint8Array(0) : typeof body === 'string' ? utf8Encode(body) : body);
}

/** A fresh 128-bit random nonce, base64url. */
export function newNonce(): string {
  return base64urlEncode(webCrypto().getRandomValues(new Uint8Array(16)));
}

export async function signRequest(privateKey: CryptoKeyLike, req: RequestToSign, timestamp = Date.now(), nonce = newNonce()): Promise<RequestSignature> {
  const text = await canonicalRequestString(req, timestamp, nonce);
  return { timestamp, nonce, signature: await signText(privateKey, text) };
}

/** True only when the signature matches this exact request, timestamp and nonce. */
export async function verifyRequest(publicKey: CryptoKeyLike | PublicKeyJwk, req: RequestToSign, sig: RequestSignature): Promise<boolean> {
  const text = await canonicalRequestString(req, sig.timestamp, sig.nonce);
  return verifyText(publicKey, text, sig.signature);
}

/** Sign UTF-8 text (e.g. a login challenge); the signature as base64url. */
export async function signText(privateKey: CryptoKeyLike, text: string): Promise<string> {
  const sig = await webCrypto().subtle.sign(SIGN, privateKey, utf8Encode(text));
  return base64urlEncode(new Uint8Array(sig));
}

/** False for a wrong key, text, malformed signature or invalid public key (never throws for those). */
export async function verifyText(publicKey: CryptoKeyLike | PublicKeyJwk, text: string, signature: string): Promise<boolean> {
  const sig = base64urlDecode(signature);
  if (!sig || sig.length !== 64) return false;
  try {
    const key = 'kty' in publicKey ? await importPublicJwk(publicKey) : publicKey;
    return await webCrypto().subtle.verify(SIGN, key, sig, utf8Encode(text));
  } catch {
    return false;
  }
}

/** Timestamp within +-skewMs of now (default 5 minutes). */
export function isFreshTimestamp(timestamp: number, now = Date.now(), skewMs = 5 * 60_000): boolean {
  return Number.isSafeInteger(timestamp) && Math.abs(now - timestamp) <= skewMs;
}
