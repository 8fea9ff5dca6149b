/**
 * Helpers shared by the codecs: deflate (fflate, fast level), a bounded inflate that refuses
 * payloads that do not inflate to exactly the expected size and stops as soon as one inflates
 * past it (no decompression bombs: the work is bounded by the expected size), and
 * checks that name the problem with a stable code.
 */
import { deflateSync, Inflate } from 'fflate';
import type { NamedArray, WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';
import { checkFinite, checkSpec, specOf } from '../protocol/weightSpec.ts';

export function deflateFast(bytes: Uint8Array): Uint8Array {
  return deflateSync(bytes, { level: 1 });
}

/** Input bytes fed to the inflater at a time: its output per step is at most ~1032 times this. */
const INFLATE_CHUNK = 1024;

/**
 * Inflates at most max + 1 bytes and stops there: a small payload that would inflate to
 * gigabytes (deflate reaches 1032:1) costs no more work than max bytes of output plus one
 * chunk's worth. Returns the bytes (max + 1 of them when the stream holds more than max).
 */
function inflateBounded(bytes: Uint8Array, max: number, codec: string): Uint8Array {
  const out = new Uint8Array(max + 1);
  let n = 0;
  let ended = false;
  const inflater = new Inflate((data, final) => {
    const take = Math.min(data.length, out.length - n);
    out.set(data.subarray(0, take), n);
    n += take;
    ended ||= final;
  });
  let pushed = 0;
  try {
    for (let at = 0; at < bytes.length && n <= max && !ended; at += INFLATE_CHUNK) {
      pushed = Math.min(bytes.length, at + INFLATE_CHUNK);
      inflater.push(bytes.subarray(at, pushed), pushed >= bytes.length);
    }
  } catch (e) {
    throw new FedsegError('UPDATE_MALFORMED', `${codec} payload: expected deflate data, found an unreadable stream (${(e as Error).message})`);
  }
  if (n <= max && !ended) throw new FedsegError('UPDATE_MALFORMED', `${codec} payload: expected deflate data, found a stream that ends early (${bytes.length} bytes)`);
  if (n <= max) {
    // nothing may follow the stream: bytes after it would be stored and counted as the update
    const trailing = bytes.length - pushed + (unusedInput(inflater) ?? 0);
    if (trailing > 0) throw new FedsegError('UPDATE_MALFORMED', `${codec} payload: expected the deflate stream to end the payload, found ${trailing} byte(s) after it`);
  }
  return out.subarray(0, n);
}

/**
 * Input the inflater was given and did not use (after the stream's end). fflate 0.8 keeps
 * it in the private `p`, whose first byte is partly used when the bit offset `s.p` is not
 * 0; 0 when another version does not show it (then only whole chunks after the end are seen).
 * payloadBytes.test.ts pins this for the installed fflate.
 */
export function unusedInput(inflater: Inflate): number | undefined {
  const st = inflater as unknown as { p?: unknown; s?: { p?: unknown } };
  if (!(st.p instanceof Uint8Array) || typeof st.s?.p !== 'number') return undefined;
  return st.p.length - (st.s.p > 0 ? 1 : 0);
}

/** Inflate into exactly `expected` bytes, else UPDATE_MALFORMED. */
export function inflateExact(bytes: Uint8Array, expected: number, codec: string): Uint8Array {
  const got = inflateBounded(bytes, expected, codec);
  if (got.length !== expected) {
    throw new FedsegError('UPDATE_MALFORMED', `${codec} payload: expected ${expected} bytes once inflated, found ${got.length > expected ? 'more' : got.length}`);
  }
  return got;
}

export function expectLength(bytes: Uint8Array, expected: number, codec: string): void {
  if (bytes.length !== expected) {
    throw new FedsegError('UPDATE_SHAPE', `${codec} payload: expected ${expected} bytes for the plan's model, found ${bytes.length}`);
  }
}

export function totalSize(spec: WeightSpec): number {
  let n = 0;
  for (const t of spec) n += shapeSize(t.shape);
  return n;
}

/** Copy bytes into a fresh (aligned) buffer. */
export function aligned(bytes: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  return buf;
}

/** Split one flat float32 array into the spec's tensors (views), checking finiteness. */
export function splitFlat(flat: Float32Array, spec: WeightSpec, codec: string): WeightSet {
  const out: NamedArray[] = [];
  let o = 0;
  for (const t of spec) {
    const n = shapeSize(t.shape);
    const values = flat.subarray(o, o + n);
    checkFinite(t.name, values, 'UPDATE', `${codec} payload`);
    out.push({ name: t.name, shape: [...t.shape], values });
    o += n;
  }
  return out;
}

/** The update as one flat float32 array (spec order). */
export function flatten(update: WeightSet): Float32Array {
  let n = 0;
  for (const t of update) n += t.values.length;
  const flat = new Float32Array(n);
  let o = 0;
  for (const t of update) {
    flat.set(t.values, o);
    o += t.values.length;
  }
  return flat;
}

/**
 * Error feedback (the site's side): the update plus the residual the site kept from its last
 * encode, as one flat array. A residual of another model is CODEC_STATE_INVALID.
 */
export function withResidual(update: WeightSet, state: { residual: WeightSet } | null, codec: string): Float32Array {
  const v = flatten(update);
  if (!state) return v;
  try {
    checkSpec(specOf(state.residual), specOf(update), 'UPDATE', `${codec} residual`);
  } catch (e) {
    throw new FedsegError('CODEC_STATE_INVALID', `${codec}: the kept residual does not fit this update (${(e as Error).message})`);
  }
  const r = flatten(state.residual);
  for (let i = 0; i < v.length; i++) v[i]! += r[i]!;
  return v;
}

/** A flat residual (what was not sent) as tensors shaped like `like`. */
export function residualOf(flat: Float32Array, like: WeightSet): { residual: WeightSet } {
  const residual: NamedArray[] = [];
  let off = 0;
  for (const t of like) {
    residual.push({ name: t.name, shape: [...t.shape], values: flat.slice(off, off + t.values.length) });
    off += t.values.length;
  }
  return { residual };
}
