/**
 * int8: per-tensor linear quantisation. Scale s = fround(max |x| of the tensor / 127);
 * q = clamp(round(x / s), -127, 127) stored as int8; decoded = q * s.
 * Bounds below hold for tensors whose max |x| is at least 2^-100 (float32 subnormals below).
 * - rounding 'nearest' (default): |x - decoded| <= s/2, so maxRelativeError = 1/254 ('maxabs').
 * - rounding 'stochastic': q = floor(x/s + u), u uniform in [0,1): unbiased (E[decoded] = x),
 *   |x - decoded| < s, so maxRelativeError = 1/127 ('maxabs').
 * Payload before deflate: T float32 scales then n int8 values (4T + n bytes), deflated at
 * the fast level (quantised deltas cluster near 0 and compress well).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { webCrypto } from '../util/webCrypto.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import { parseWithSchema } from '../protocol/schemaProblems.ts';
import type { UpdateCodec } from './codecTypes.ts';
import { aligned, deflateFast, inflateExact, splitFlat, totalSize } from './payloadBytes.ts';

export const Int8OptionsSchema = z.strictObject({
  rounding: z.enum(['nearest', 'stochastic']).default('nearest'),
  /** seed of the stochastic rounding (default: a random one per codec instance) */
  seed: z.number().int().optional(),
});

export function int8Codec(options: unknown = {}): UpdateCodec {
  const o = parseWithSchema(Int8OptionsSchema, options ?? {}, 'int8 codec options', 'CODEC_OPTIONS_INVALID');
  const rng = new Rng(o.seed ?? webCrypto().getRandomValues(new Uint32Array(1))[0]!);
  const stochastic = o.rounding === 'stochastic';
  const encode = (update: WeightSet): Uint8Array => {
    let n = 0;
    for (const t of update) n += t.values.length;
    const raw = new Uint8Array(4 * update.length + n);
    const scales = new Float32Array(update.length);
    const q = new Int8Array(raw.buffer, 4 * update.length, n);
    let off = 0;
    update.forEach((t, i) => {
      checkFinite(t.name, t.values, 'UPDATE', 'int8 encode');
      let m = 0;
      for (const v of t.values) m = Math.max(m, Math.abs(v));
      const s = Math.fround(m / 127);
      scales[i] = s;
      if (s > 0) {
        for (let k = 0; k < t.values.length; k++) {
          const x = t.values[k]! / s;
          const r = stochastic ? Math.floor(x + rng.next()) : Math.round(x);
          q[off + k] = Math.max(-127, Math.min(127, r));
        }
      }
      off += t.values.length;
    });
    raw.set(new Uint8Array(scales.buffer), 0);
    return deflateFast(raw);
  };
  return {
    name: 'int8',
    options: o,
    maxRelativeError: stochastic ? 1 / 127 : 1 / 254,
    errorMetric: 'maxabs',
    deflated: true,
    encode,
    encodeWithState: (update) => ({ bytes: encode(update), state: null }),
    decode(bytes, spec) {
      const n = totalSize(spec);
      const raw = inflateExact(bytes, 4 * spec.length + n, 'int8');
      const scales = new Float32Array(aligned(raw.subarray(0, 4 * spec.length)));
      const q = new Int8Array(aligned(raw.subarray(4 * spec.length)));
      const flat = new Float32Array(n);
      let off = 0;
      spec.forEach((t, i) => {
        const s = scales[i]!;
        if (!Number.isFinite(s) || s < 0) {
          throw new FedsegError('UPDATE_NONFINITE', `int8 payload: tensor "${t.name}": expected a finite scale >= 0, found ${String(s)}`);
        }
        const size = shapeSize(t.shape);
        for (let k = 0; k < size; k++) flat[off + k] = q[off + k]! * s;
        off += size;
      });
      return splitFlat(flat, spec, 'int8');
    },
    expectedPayloadBytes: (spec) => 4 * spec.length + totalSize(spec),
  };
}
