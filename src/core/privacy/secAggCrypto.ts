/**
 * The WebCrypto pieces of secure aggregation: ECDH P-256 key agreement, a mask PRG (AES-256
 * in counter mode over zero bytes, keyed by a SHA-256-derived seed) and AES-GCM encryption of
 * the Shamir shares that sites exchange through the coordinator. Works in browsers, workers
 * and Node through webCrypto().
 */
import type { BufferLike, CryptoKeyLike, CryptoKeyPairLike } from '../util/webCrypto.ts';
import { webCrypto } from '../util/webCrypto.ts';
import { FedsegError } from '../util/errors.ts';
import { utf8Encode } from '../protocol/utf8.ts';
import type { PublicKeyJwk } from '../protocol/messages.ts';
import { publicKeyJwkSchema } from '../protocol/messages.ts';
import { base64urlDecode, base64urlEncode } from '../protocol/base64url.ts';

interface CipherSubtle {
  encrypt(algorithm: unknown, key: CryptoKeyLike, data: BufferLike): Promise<ArrayBuffer>;
  decrypt(algorithm: unknown, key: CryptoKeyLike, data: BufferLike): Promise<ArrayBuffer>;
}
const subtle = () => webCrypto().subtle as ReturnType<typeof webCrypto>['subtle'] & CipherSubtle;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A per-round ECDH key pair. The mask key must be extractable: its scalar is secret-shared. */
export function generateAgreementKeys(extractable: boolean): Promise<CryptoKeyPairLike> {
  return subtle().generateKey(ECDH, extractable, ['deriveBits']);
}

export async function exportAgreementPublic(key: CryptoKeyLike): Promise<PublicKeyJwk> {
  return publicKeyJwkSchema.parse(await subtle().exportKey('jwk', key));
}

/** The private scalar d (32 bytes) of an extractable ECDH key. */
export async function exportPrivateScalar(key: CryptoKeyLike): Promise<Uint8Array> {
  const jwk = (await subtle().exportKey('jwk', key)) as { d?: string };
  const d = jwk.d === undefined ? null : base64urlDecode(jwk.d);
  if (!d || d.length !== 32) throw new FedsegError('SECAGG_INVALID', 'expected an extractable P-256 private key');
  return d;
}

/** Rebuild a private key from its scalar and public point (for a dropped site's masks). */
export function importPrivateScalar(d: Uint8Array, publicJwk: PublicKeyJwk): Promise<CryptoKeyLike> {
  return subtle().importKey('jwk', { ...publicJwk, d: base64urlEncode(d), ext: false }, ECDH, false, ['deriveBits']);
}

/** Whether `jwk` is an ECDH P-256 public key WebCrypto takes (a point on the curve). */
export async function isAgreementPublicKey(jwk: PublicKeyJwk): Promise<boolean> {
  try {
    await subtle().importKey('jwk', { ...jwk, ext: true }, ECDH, true, []);
    return true;
  } catch {
    return false;
  }
}

/** 32 shared bytes from my private key and their public key (ECDH). */
export async function agree(privateKey: CryptoKeyLike, theirPublic: PublicKeyJwk): Promise<Uint8Array> {
  const pub = await subtle().importKey('jwk', { ...theirPublic, ext: true }, ECDH, true, []);
  return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: pub }, privateKey, 256));
}

/** SHA-256(label 0x00 parts... shared): a seed bound to its purpose, round and pair. */
export async function deriveSeed(label: string, parts: readonly string[], secret: Uint8Array): Promise<Uint8Array> {
  const text = utf8Encode([label, ...parts].join('\u0000') + '\u0000');
  const buf = new Uint8Array(text.length + secret.length);
  buf.set(text, 0);
  buf.set(secret, text.length);
  return new Uint8Array(await subtle().digest('SHA-256', buf));
}

/** `length` pseudo-random uint32 words from a 32-byte seed (AES-256-CTR keystream). */
export async function expandMask(seed: Uint8Array, length: number): Promise<Uint32Array> {
  const key = await subtle().importKey('raw', seed, { name: 'AES-CTR' }, false, ['encrypt']);
  const stream = await subtle().encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 64 }, key, new Uint8Array(4 * length));
  return new Uint32Array(stream);
}

/** The share-sealing key: the ECDH secret through SHA-256 with its own label, like the mask seeds (a raw ECDH x-coordinate is not uniform). */
async function gcmKey(shared: Uint8Array): Promise<CryptoKeyLike> {
  return subtle().importKey('raw', await deriveSeed('fedseg secagg share key', [], shared), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** AES-256-GCM under a shared key, with associated data naming sender, receiver and round. */
export async function sealFor(shared: Uint8Array, aad: string, plain: Uint8Array): Promise<{ iv: string; ciphertext: string }> {
  const iv = webCrypto().getRandomValues(new Uint8Array(12));
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8Encode(aad) }, await gcmKey(shared), plain);
  return { iv: base64urlEncode(iv), ciphertext: base64urlEncode(new Uint8Array(ct)) };
}

export async function openFrom(shared: Uint8Array, aad: string, sealed: { iv: string; ciphertext: string }): Promise<Uint8Array> {
  const iv = base64urlDecode(sealed.iv);
  const ct = base64urlDecode(sealed.ciphertext);
  if (!iv || !ct) throw new FedsegError('SECAGG_INVALID', 'expected base64url iv and ciphertext');
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: utf8Encode(aad) }, await gcmKey(shared), ct));
  } catch {
    throw new FedsegError('SECAGG_INVALID', `could not open the shares sealed for ${aad} (wrong key or altered)`);
  }
}
