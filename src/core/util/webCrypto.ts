/**
 * WebCrypto, as the platform-free core sees it. Browsers, Web Workers and Node 20 all
 * expose `globalThis.crypto` (SubtleCrypto and getRandomValues); src/core is
 * type-checked without DOM or Node types, so the few members it uses are declared here.
 */
export type KeyUsageName = 'sign' | 'verify' | 'deriveBits' | 'deriveKey' | 'encrypt' | 'decrypt';

export interface CryptoKeyLike {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: unknown;
  readonly usages: readonly string[];
}

export interface CryptoKeyPairLike {
  readonly publicKey: CryptoKeyLike;
  readonly privateKey: CryptoKeyLike;
}

export type BufferLike = ArrayBuffer | ArrayBufferView;

export interface SubtleCryptoLike {
  digest(algorithm: string | { name: string }, data: BufferLike): Promise<ArrayBuffer>;
  generateKey(algorithm: unknown, extractable: boolean, usages: KeyUsageName[]): Promise<CryptoKeyPairLike>;
  importKey(format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: KeyUsageName[]): Promise<CryptoKeyLike>;
  exportKey(format: string, key: CryptoKeyLike): Promise<unknown>;
  sign(algorithm: unknown, key: CryptoKeyLike, data: BufferLike): Promise<ArrayBuffer>;
  verify(algorithm: unknown, key: CryptoKeyLike, signature: BufferLike, data: BufferLike): Promise<boolean>;
  deriveBits(algorithm: unknown, baseKey: CryptoKeyLike, length: number): Promise<ArrayBuffer>;
}

export interface CryptoLike {
  readonly subtle: SubtleCryptoLike;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  randomUUID?(): string;
}

/** The platform's WebCrypto; fails plainly where there is none (e.g. an insecure http origin). */
export function webCrypto(): CryptoLike {
  const c = (globalThis as { crypto?: CryptoLike }).crypto;
  if (!c || !c.subtle) {
    throw new Error('WebCrypto is not available here (browsers expose it only on https:// or http://localhost pages)');
  }
  return c;
}

/** SHA-256 of bytes, as lowercase hex. */
export async function sha256Hex(data: BufferLike): Promise<string> {
  const digest = new Uint8Array(await webCrypto().subtle.digest('SHA-256', data));
  let s = '';
  for (const b of digest) s += b.toString(16).padStart(2, '0');
  return s;
}
