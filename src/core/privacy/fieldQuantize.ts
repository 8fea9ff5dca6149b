/**
 * Fixed-point encoding of (weighted) updates into the ring Z_(2^32), where secure aggregation
 * adds masked vectors with wrap-around. Each coordinate is clipped to [-clipRange, clipRange],
 * multiplied by the site's weight w and a common factor S, rounded, and stored as a 32-bit
 * two's-complement integer. S is chosen by the coordinator from the total weight W of the
 * sites in the round so that the sum can never leave the int32 range:
 *   |sum| <= W * clipRange * S + N/2 <= 2^31 - 1   with   S = (2^31 - 1 - N) / (W * clipRange).
 * The summed integers, divided by S * W, give the weighted mean of the clipped updates with an
 * absolute error of at most N / (2 S W) per coordinate.
 */
import { FedsegError } from '../util/errors.ts';

const INT32_MAX = 2 ** 31 - 1;

/** The common factor S for N sites of total weight W. */
export function fieldScale(totalWeight: number, sites: number, clipRange: number): number {
  const s = (INT32_MAX - sites) / (totalWeight * clipRange);
  if (!(s > 0) || !Number.isFinite(s)) {
    throw new FedsegError('SECAGG_INVALID', `expected a positive total weight and clip range, found weight ${totalWeight}, clip ${clipRange}`);
  }
  return s;
}

/** round(clip(x) * weight * S) mod 2^32, for every value. */
export function quantizeToField(values: Float32Array, weight: number, scale: number, clipRange: number): Uint32Array {
  const out = new Uint32Array(values.length);
  const f = weight * scale;
  for (let i = 0; i < values.length; i++) {
    const x = Math.max(-clipRange, Math.min(clipRange, values[i]!));
    out[i] = Math.round(x * f) >>> 0;
  }
  return out;
}

/** A sum in Z_(2^32) read as int32, divided by S * totalWeight. */
export function dequantizeSum(sum: Uint32Array, scale: number, totalWeight: number): Float32Array {
  const out = new Float32Array(sum.length);
  const inv = 1 / (scale * totalWeight);
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i]! | 0) * inv;
  return out;
}

/** a += b (mod 2^32), in place */
export function addInto(a: Uint32Array, b: Uint32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! + b[i]!) >>> 0;
}

/** a -= b (mod 2^32), in place */
export function subtractInto(a: Uint32Array, b: Uint32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! - b[i]!) >>> 0;
}
