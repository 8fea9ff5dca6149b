/**
 * int8 and int4: per-tensor linear quantisation to b bits (b = 8 or 4), L = 2^(b-1) - 1 levels
 * each side of zero (127 or 7). Scale s per tensor (quantizationScale.ts): option scale
 * 'maxabs' (default) s = fround(max |x| of the tensor / L); 'mse' a smaller s that clips the
 * largest values when that lowers the squared error. q = clamp(round(x / s), -L, L);
 * decoded = q * s.
 * Bounds below hold for tensors whose max |x| is at least 2^-100 (float32 subnormals below).
 * - rounding 'nearest' (default): |x - decoded| <= s/2, so maxRelativeError = 1/(2L)
 *   ('maxabs'): 1/254 for int8, 1/14 for int4, plus 2^-23 for float32 (each bound below
 *   too): s and q * s are float32, each rounded by up to 2^-24 of max |x|.
 * - rounding 'stochastic': q = floor(x/s + u), u uniform in [0,1): unbiased (E[decoded] = x)
 *   where not clipped, |x - decoded| < s, so maxRelativeError = 1/L.
 * - scale 'mse': a clipped value is off by up to MSE_CLIP_BOUND (0.6) of max |x|, so the
 *   bound is the larger of that and the rounding's. The stated bound is loose on purpose: the
 *   point of 'mse' is the squared error, lower than 'maxabs''s on every update.
 * - errorFeedback (default on for int4, off for int8): the site keeps what quantisation lost
 *   (x - decoded) and adds it to its next update, so the error is delayed, not lost (Seide et
 *   al., "1-bit SGD", Interspeech 2014; Karimireddy et al., "Error Feedback Fixes SignSGD",
 *   ICML 2019). The bound then holds for the encoded vector (update + kept residual).
 * Payload before deflate: T float32 scales, then the n values: one int8 each, or for int4 two
 * per byte (value 2j in the low nibble, 2j+1 in the high one, 4-bit two's complement):
 * 4T + n or 4T + ceil(n/2) bytes, deflated at the fast level (quantised deltas cluster near 0).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { webCrypto } from '../util/webCrypto.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';
import { parseWithSchema } from '../protocol/schemaProblems.ts';
import type { CodecState, UpdateCodec } from './codecTypes.ts';
import { MSE_CLIP_BOUND, quantizationScale } from './quantizationScale.ts';
import { aligned, deflateFast, inflateExact, residualOf, splitFlat, totalSize, withResidual } from './payloadBytes.ts';

export const QuantizedOptionsSchema = z.strictObject({
  rounding: z.enum(['nearest', 'stochastic']).default('nearest'),
  /** seed of the stochastic rounding (default: a random one per codec instance) */
  seed: z.number().int().optional(),
  /** keep the quantisation error at the site and send it with the next update */
  errorFeedback: z.boolean().optional(),
  /** how the per-tensor scale is chosen (quantizationScale.ts) */
  scale: z.enum(['maxabs', 'mse']).default('maxabs'),
});

export type QuantizedBits = 4 | 8;

/** Bytes holding n quantised values at `bits` bits each. */
function valueBytes(bits: QuantizedBits, n: number): number {
  return bits === 8 ? n : Math.ceil(n / 2);
}

/** what storing s and q * s as float32 adds to any bound, relative to max |x| */
const FLOAT32_ROUNDING = 2 ** -23;

export function quantizedCodec(bits: QuantizedBits, options: unknown = {}): UpdateCodec {
  const name = `int${bits}`;
  const o = parseWithSchema(QuantizedOptionsSchema, options ?? {}, `${name} codec options`, 'CODEC_OPTIONS_INVALID');
  const levels = 2 ** (bits - 1) - 1;
  const errorFeedback = o.errorFeedback ?? bits === 4;
  const rng = new Rng(o.seed ?? webCrypto().getRandomValues(new Uint32Array(1))[0]!);
  const stochastic = o.rounding === 'stochastic';

  const encodeWithState = (update: WeightSet, state: CodecState | null): { bytes: Uint8Array; state: CodecState | null } => {
    for (const t of update) checkFinite(t.name, t.values, 'UPDATE', `${name} encode`);
    const v = withResidual(update, errorFeedback ? state : null, name);
    const T = update.length;
    const raw = new Uint8Array(4 * T + valueBytes(bits, v.length));
    const scales = new Float32Array(T);
    const packed = raw.subarray(4 * T);
    let off = 0;
    update.forEach((t, i) => {
      const s = quantizationScale(v, off, off + t.values.length, levels, o.scale);
      scales[i] = s;
      for (let k = off; k < off + t.values.length; k++) {
        let q = 0;
        if (s > 0) {
          const x = v[k]! / s;
          q = Math.max(-levels, Math.min(levels, stochastic ? Math.floor(x + rng.next()) : Math.round(x)));
        }
        if (bits === 8) packed[k] = q & 0xff;
        else packed[k >> 1]! |= (q & 0xf) << ((k & 1) * 4);
        v[k]! -= q * s; // what remains in v is the residual
      }
      off += t.values.length;
    });
    raw.set(new Uint8Array(scales.buffer), 0);
    const bytes = deflateFast(raw);
    return { bytes, state: errorFeedback ? residualOf(v, update) : null };
  };

  const decode = (bytes: Uint8Array, spec: WeightSpec): WeightSet => {
    const n = totalSize(spec);
    const T = spec.length;
    const raw = inflateExact(bytes, 4 * T + valueBytes(bits, n), name);
    const scales = new Float32Array(aligned(raw.subarray(0, 4 * T)));
    const packed = raw.subarray(4 * T);
    const flat = new Float32Array(n);
    let off = 0;
    spec.forEach((t, i) => {
      const s = scales[i]!;
      if (!Number.isFinite(s) || s < 0) {
        throw new FedsegError('UPDATE_NONFINITE', `${name} payload: tensor "${t.name}": expected a finite scale >= 0, found ${String(s)}`);
      }
      const size = shapeSize(t.shape);
      for (let k = off; k < off + size; k++) {
        const q = bits === 8 ? (packed[k]! << 24) >> 24 : (((packed[k >> 1]! >> ((k & 1) * 4)) & 0xf) << 28) >> 28;
        if (q < -levels) throw new FedsegError('UPDATE_MALFORMED', `${name} payload: tensor "${t.name}": expected values in [-${levels}, ${levels}], found ${q}`);
        flat[k] = q * s;
      }
      off += size;
    });
    if (bits === 4 && n % 2 === 1 && packed[n >> 1]! >> 4 !== 0) {
      throw new FedsegError('UPDATE_MALFORMED', `${name} payload: expected the unused last half-byte to be 0, found ${packed[n >> 1]! >> 4}`);
    }
    return splitFlat(flat, spec, name);
  };

  return {
    name,
    options: { ...o, errorFeedback },
    maxRelativeError: Math.max(stochastic ? 1 / levels : 1 / (2 * levels), o.scale === 'mse' ? MSE_CLIP_BOUND : 0) + FLOAT32_ROUNDING,
    errorMetric: 'maxabs',
    deflated: true,
    encode: (update, state = null) => encodeWithState(update, state).bytes,
    encodeWithState,
    decode,
    expectedPayloadBytes: (spec) => 4 * spec.length + valueBytes(bits, totalSize(spec)),
  };
}
