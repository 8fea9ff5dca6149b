/**
 * Shamir secret sharing — Shamir, "How to Share a Secret", CACM 1979 — over the prime field
 * GF(p), p = 2^521 - 1 (a Mersenne prime, so any secret of up to 65 bytes is a field element).
 * A secret is the constant term of a random polynomial of degree t - 1; share i is the
 * polynomial at x = i (i >= 1). Any t shares give the secret (Lagrange at 0); t - 1 shares
 * reveal nothing. Used by secure aggregation to recover a dropped site's mask key.
 */
import { FedsegError } from '../util/errors.ts';
import { webCrypto } from '../util/webCrypto.ts';

export const SHAMIR_PRIME = (1n << 521n) - 1n;
/** bytes of a serialised share value */
export const SHARE_BYTES = 66;

export interface Share {
  /** the share's x coordinate, 1..n */
  readonly x: number;
  readonly y: bigint;
}

const mod = (a: bigint): bigint => ((a % SHAMIR_PRIME) + SHAMIR_PRIME) % SHAMIR_PRIME;

export function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigintToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new FedsegError('SHAMIR_INVALID', `value does not fit in ${length} bytes`);
  return out;
}

/** A uniform field element (rejection sampling on 521 random bits). */
function randomElement(): bigint {
  const buf = new Uint8Array(SHARE_BYTES);
  for (;;) {
    webCrypto().getRandomValues(buf);
    buf[0] = buf[0]! & 0x01; // keep 521 bits
    const v = bytesToBigint(buf);
    if (v < SHAMIR_PRIME) return v;
  }
}

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % SHAMIR_PRIME;
    b = (b * b) % SHAMIR_PRIME;
    e >>= 1n;
  }
  return result;
}

/** Split `secret` (at most 65 bytes) into n shares, any t of which recover it. */
export function splitSecret(secret: Uint8Array, n: number, t: number): Share[] {
  if (secret.length > 65) throw new FedsegError('SHAMIR_INVALID', `expected a secret of at most 65 bytes, found ${secret.length}`);
  if (!Number.isInteger(t) || !Number.isInteger(n) || t < 1 || t > n) {
    throw new FedsegError('SHAMIR_INVALID', `expected 1 <= threshold <= shares, found threshold ${t} of ${n}`);
  }
  const coeffs = [bytesToBigint(secret)];
  for (let i = 1; i < t; i++) coeffs.push(randomElement());
  const shares: Share[] = [];
  for (let x = 1; x <= n; x++) {
    let y = 0n;
    const bx = BigInt(x);
    for (let i = coeffs.length - 1; i >= 0; i--) y = (y * bx + coeffs[i]!) % SHAMIR_PRIME;
    shares.push({ x, y });
  }
  return shares;
}

/** Recover a secret of `length` bytes from at least t shares with distinct x (uses the first t). */
export function combineShares(shares: readonly Share[], t: number, length: number): Uint8Array {
  const use = shares.slice(0, t);
  if (use.length < t) throw new FedsegError('SHAMIR_INVALID', `expected at least ${t} shares, found ${shares.length}`);
  if (new Set(use.map((s) => s.x)).size !== use.length) throw new FedsegError('SHAMIR_INVALID', 'expected shares with distinct x');
  let secret = 0n;
  for (const si of use) {
    let num = 1n;
    let den = 1n;
    for (const sj of use) {
      if (sj.x === si.x) continue;
      num = (num * BigInt(-sj.x)) % SHAMIR_PRIME;
      den = (den * BigInt(si.x - sj.x)) % SHAMIR_PRIME;
    }
    const lagrange = mod(num) * modPow(den, SHAMIR_PRIME - 2n);
    secret = (secret + mod(si.y) * lagrange) % SHAMIR_PRIME;
  }
  return bigintToBytes(mod(secret), length);
}
