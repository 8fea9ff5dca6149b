/**
 * float16: each tensor is scaled by a power of two 2^e (so that its largest magnitude lands in
 * [2^14, 2^15), far from half precision's overflow and subnormals) and stored as IEEE half
 * (round to nearest even). Payload: 2 bytes per weight, then one int8 exponent e per tensor:
 * exactly 2n + T bytes; not deflated.
 * Error bound (for tensors whose max |x| is at least 2^-100; below that float32 itself is subnormal): |x - decoded| <= 2^-11 * (max |x| of the tensor): maxRelativeError 2^-11 in
 * the 'maxabs' metric (the scaling is exact, only the half rounding loses).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import { parseWithSchema } from '../protocol/schemaProblems.ts';
import type { UpdateCodec } from './codecTypes.ts';
import { aligned, expectLength, splitFlat, totalSize } from './payloadBytes.ts';
import { fromHalf, toHalf } from '../util/halfFloat.ts';

/** Exponent e with max * 2^e in [2^14, 2^15); 0 for an all-zero tensor. Clamped to int8. */
function exponentFor(maxAbs: number): number {
  if (maxAbs === 0) return 0;
  return Math.max(-127, Math.min(127, 14 - Math.floor(Math.log2(maxAbs))));
}

export function float16Codec(options: unknown = {}): UpdateCodec {
  const o = parseWithSchema(z.strictObject({}), options ?? {}, 'float16 codec options', 'CODEC_OPTIONS_INVALID');
  const encode = (update: WeightSet): Uint8Array => {
    let n = 0;
    for (const t of update) n += t.values.length;
    const halves = new Uint16Array(n);
    const exps = new Int8Array(update.length);
    let o = 0;
    update.forEach((t, i) => {
      checkFinite(t.name, t.values, 'UPDATE', 'float16 encode');
      let m = 0;
      for (const v of t.values) m = Math.max(m, Math.abs(v));
      const e = exponentFor(m);
      exps[i] = e;
      const s = 2 ** e;
      for (let k = 0; k < t.values.length; k++) halves[o + k] = toHalf(t.values[k]! * s);
      o += t.values.length;
    });
    const out = new Uint8Array(2 * n + update.length);
    out.set(new Uint8Array(halves.buffer), 0);
    out.set(new Uint8Array(exps.buffer), 2 * n);
    return out;
  };
  return {
    name: 'float16',
    options: o,
    maxRelativeError: 2 ** -11,
    errorMetric: 'maxabs',
    deflated: false,
    encode,
    encodeWithState: (update) => ({ bytes: encode(update), state: null }),
    decode(bytes, spec) {
      const n = totalSize(spec);
      expectLength(bytes, 2 * n + spec.length, 'float16');
      const halves = new Uint16Array(aligned(bytes.subarray(0, 2 * n)));
      const exps = new Int8Array(aligned(bytes.subarray(2 * n)));
      const flat = new Float32Array(n);
      let o = 0;
      spec.forEach((t, i) => {
        const inv = 2 ** -exps[i]!;
        const size = shapeSize(t.shape);
        for (let k = 0; k < size; k++) {
          const h = halves[o + k]!;
          if ((h & 0x7c00) === 0x7c00) {
            throw new FedsegError('UPDATE_NONFINITE', `float16 payload: tensor "${t.name}": expected finite values, found an infinity or NaN at index ${k}`);
          }
          flat[o + k] = fromHalf(h) * inv;
        }
        o += size;
      });
      return splitFlat(flat, spec, 'float16');
    },
    expectedPayloadBytes: (spec) => 2 * totalSize(spec) + spec.length,
  };
}
