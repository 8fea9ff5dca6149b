/**
 * float32: the update's values as little-endian float32, tensors back to back in spec order.
 * Exact (error 0); payload exactly 4 bytes per weight; not deflated (float noise does not
 * compress: deflate saved under 10% on trained U-Net deltas, not worth the CPU).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import { parseWithSchema } from '../protocol/schemaProblems.ts';
import type { UpdateCodec } from './codecTypes.ts';
import { aligned, expectLength, flatten, splitFlat, totalSize } from './payloadBytes.ts';

export function float32Codec(options: unknown = {}): UpdateCodec {
  const o = parseWithSchema(z.strictObject({}), options ?? {}, 'float32 codec options', 'CODEC_OPTIONS_INVALID');
  const encode = (update: WeightSet): Uint8Array => {
    for (const t of update) checkFinite(t.name, t.values, 'UPDATE', 'float32 encode');
    return new Uint8Array(flatten(update).buffer);
  };
  return {
    name: 'float32',
    options: o,
    maxRelativeError: 0,
    errorMetric: 'maxabs',
    deflated: false,
    encode,
    encodeWithState: (update) => ({ bytes: encode(update), state: null }),
    decode(bytes, spec) {
      const n = totalSize(spec);
      expectLength(bytes, 4 * n, 'float32');
      return splitFlat(new Float32Array(aligned(bytes)), spec, 'float32');
    },
    expectedPayloadBytes: (spec) => 4 * totalSize(spec),
  };
}
