/**
 * A whole weight set (a global model) as one binary blob: the shared frame (binaryHeader.ts)
 * with magic "FSWB", a JSON header {dtype: "float32", tensors: [{name, shape}]} and the
 * tensors' float32 values, little-endian, back to back in header order.
 * Models are immutable and addressed by the SHA-256 of this blob.
 */
import { z } from 'zod';
import type { NamedArray, WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { readFrame, writeFrame } from './binaryHeader.ts';
import { schemaProblems } from './schemaProblems.ts';
import type { BlobKind, WeightSpec } from './weightSpec.ts';
import { checkFinite, checkSpec } from './weightSpec.ts';

const MAGIC = 'FSWB';
const VERSION = 1;

const HeaderSchema = z.strictObject({
  dtype: z.literal('float32'),
  tensors: z
    .array(z.strictObject({ name: z.string().min(1).max(256), shape: z.array(z.number().int().nonnegative()).max(8) }))
    .max(100_000),
});

export interface WeightsBlobOptions {
  /** expected names and shapes; null accepts any (still checks sizes and finiteness) */
  readonly expected: WeightSpec | null;
  /** error code prefix: UPDATE_* (default) or MODEL_* */
  readonly kind?: BlobKind;
  /** refuse larger blobs with `${kind}_TOO_LARGE` */
  readonly maxBytes?: number;
  /** named in error messages */
  readonly source?: string;
}

export function encodeWeightsBlob(w: WeightSet): Uint8Array {
  assertLittleEndian();
  let count = 0;
  for (const t of w) count += t.values.length;
  const body = new Float32Array(count);
  let o = 0;
  for (const t of w) {
    if (t.values.length !== shapeSize(t.shape)) {
      throw new FedsegError('WEIGHTS_MISMATCH', `tensor "${t.name}": shape [${t.shape.join(',')}] needs ${shapeSize(t.shape)} values, found ${t.values.length}`);
    }
    body.set(t.values, o);
    o += t.values.length;
  }
  const header = { dtype: 'float32', tensors: w.map((t) => ({ name: t.name, shape: [...t.shape] })) };
  return writeFrame(MAGIC, VERSION, header, new Uint8Array(body.buffer));
}

/** Decode and validate: frame, header schema, spec (names, shapes), exact size, finite values. */
export function decodeWeightsBlob(bytes: Uint8Array, opts: WeightsBlobOptions): WeightSet {
  assertLittleEndian();
  const kind = opts.kind ?? 'UPDATE';
  const source = opts.source ?? (kind === 'MODEL' ? 'model' : 'update');
  if (opts.maxBytes !== undefined && bytes.length > opts.maxBytes) {
    throw new FedsegError(`${kind}_TOO_LARGE`, `${source}: expected at most ${opts.maxBytes} bytes, found ${bytes.length}`);
  }
  const frame = readFrame(bytes, MAGIC, VERSION, 16 * 1024 * 1024, kind, source);
  const parsed = HeaderSchema.safeParse(frame.header);
  if (!parsed.success) {
    throw new FedsegError(`${kind}_MALFORMED`, `${source}: header: ` + schemaProblems(parsed.error.issues, frame.header).join('; '));
  }
  const tensors = parsed.data.tensors;
  if (opts.expected) checkSpec(tensors, opts.expected, kind, source);
  let count = 0;
  for (const t of tensors) count += shapeSize(t.shape);
  if (frame.body.length !== count * 4) {
    throw new FedsegError(`${kind}_SHAPE`, `${source}: expected ${count * 4} bytes of float32 data for the header's shapes, found ${frame.body.length}`);
  }
  // copy: the result owns aligned memory, independent of the input buffer
  const all = new Float32Array(count);
  new Uint8Array(all.buffer).set(frame.body);
  const out: NamedArray[] = [];
  let o = 0;
  for (const t of tensors) {
    const n = shapeSize(t.shape);
    const values = all.subarray(o, o + n);
    checkFinite(t.name, values, kind, source);
    out.push({ name: t.name, shape: t.shape, values });
    o += n;
  }
  return out;
}

let littleEndian: boolean | undefined;
function assertLittleEndian(): void {
  littleEndian ??= new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!littleEndian) throw new FedsegError('PLATFORM_UNSUPPORTED', 'fedseg blobs need a little-endian platform');
}
