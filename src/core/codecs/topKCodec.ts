/**
 * top-k sparsification with error feedback — Aji & Heafield, "Sparse Communication for
 * Distributed Gradient Descent", EMNLP 2017; error feedback as in Stich, Cordonnier, Jaggi,
 * "Sparsified SGD with Memory", NeurIPS 2018 (and Sattler et al. 2019 for federated learning).
 *
 * Sends the k = max(1, ceil(fraction * n)) largest-magnitude coordinates of (update +
 * residual) over the whole model; with error feedback the rest becomes the residual, which
 * the SITE keeps (CodecState) and adds to its next round's update, so nothing is lost for good.
 * Payload before deflate: uint32 n (model size), uint32 k, k uint32 index gaps (first index,
 * then differences: the indices ascend), k float32 values: 8 + 8k bytes, deflated at the
 * fast level.
 * Error bound: ||v - decoded||_2 <= sqrt(1 - k/n) ||v||_2 for the encoded vector v (the k
 * largest carry at least k/n of the energy): maxRelativeError sqrt(1 - fraction) in 'l2'
 * (n >= 1/fraction; for tiny n, k = ceil rounds up and the error is smaller).
 */
import { z } from 'zod';
import type { WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { checkFinite } from '../protocol/weightSpec.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';
import { parseWithSchema } from '../protocol/schemaProblems.ts';
import type { CodecState, UpdateCodec } from './codecTypes.ts';
import { aligned, deflateFast, inflateExact, residualOf, splitFlat, totalSize, withResidual } from './payloadBytes.ts';

export const TopKOptionsSchema = z.strictObject({
  /** share of coordinates sent each round */
  fraction: z.number().gt(0).max(1, { error: 'expected fraction in (0, 1]' }).default(0.01),
  errorFeedback: z.boolean().default(true),
});

export function topKCount(n: number, fraction: number): number {
  return n === 0 ? 0 : Math.min(n, Math.max(1, Math.ceil(fraction * n)));
}

/** The k-th largest value of `a` (1-based), by quickselect on a copy: O(n) expected. */
export function kthLargest(a: Float32Array, k: number): number {
  const v = a.slice();
  let lo = 0;
  let hi = v.length - 1;
  const target = v.length - k; // index in ascending order
  while (lo < hi) {
    const pivot = v[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return v[target]!;
}

/** Indices (ascending) of the k largest |v_i|; ties at the threshold are taken in index order. */
export function topKIndices(v: Float32Array, k: number): Uint32Array {
  const abs = Float32Array.from(v, Math.abs);
  const thr = kthLargest(abs, k);
  let above = 0;
  for (const x of abs) if (x > thr) above++;
  let ties = k - above;
  const idx = new Uint32Array(k);
  let o = 0;
  for (let i = 0; i < abs.length && o < k; i++) {
    if (abs[i]! > thr) idx[o++] = i;
    else if (abs[i] === thr && ties > 0) {
      idx[o++] = i;
      ties--;
    }
  }
  return idx;
}

export function topKCodec(options: unknown = {}): UpdateCodec {
  const o = parseWithSchema(TopKOptionsSchema, options ?? {}, 'topk codec options', 'CODEC_OPTIONS_INVALID');

  const encodeWithState = (update: WeightSet, state: CodecState | null): { bytes: Uint8Array; state: CodecState | null } => {
    for (const t of update) checkFinite(t.name, t.values, 'UPDATE', 'topk encode');
    const v = withResidual(update, o.errorFeedback ? state : null, 'topk');
    const k = topKCount(v.length, o.fraction);
    const idx = topKIndices(v, k);
    const raw = new ArrayBuffer(8 + 8 * k);
    const head = new Uint32Array(raw, 0, 2 + k);
    const vals = new Float32Array(raw, 8 + 4 * k, k);
    head[0] = v.length;
    head[1] = k;
    let prev = 0;
    for (let j = 0; j < k; j++) {
      const i = idx[j]!;
      head[2 + j] = i - prev;
      prev = i;
      vals[j] = v[i]!;
      v[i] = 0; // what remains in v is the residual
    }
    const bytes = deflateFast(new Uint8Array(raw));
    if (!o.errorFeedback) return { bytes, state: null };
    return { bytes, state: residualOf(v, update) };
  };

  const decode = (bytes: Uint8Array, spec: WeightSpec): WeightSet => {
    const n = totalSize(spec);
    const k = topKCount(n, o.fraction);
    const raw = aligned(inflateExact(bytes, 8 + 8 * k, 'topk'));
    const head = new Uint32Array(raw, 0, 2 + k);
    const vals = new Float32Array(raw, 8 + 4 * k, k);
    if (head[0] !== n) throw new FedsegError('UPDATE_SHAPE', `topk payload: expected an update of ${n} weights for the plan's model, found ${head[0]!}`);
    if (head[1] !== k) throw new FedsegError('UPDATE_MALFORMED', `topk payload: expected k = ${k} for this model and fraction, found ${head[1]!}`);
    const flat = new Float32Array(n);
    let i = 0;
    for (let j = 0; j < k; j++) {
      const gap = head[2 + j]!;
      if (j > 0 && gap === 0) throw new FedsegError('UPDATE_MALFORMED', `topk payload: expected ascending indices, found a repeat at entry ${j}`);
      i += gap;
      if (i >= n) throw new FedsegError('UPDATE_MALFORMED', `topk payload: expected indices below ${n}, found ${i}`);
      flat[i] = vals[j]!;
    }
    return splitFlat(flat, spec, 'topk');
  };

  return {
    name: 'topk',
    options: o,
    maxRelativeError: Math.sqrt(1 - o.fraction),
    errorMetric: 'l2',
    deflated: true,
    encode: (update, state = null) => encodeWithState(update, state).bytes,
    encodeWithState,
    decode,
    expectedPayloadBytes: (spec) => 8 + 8 * topKCount(totalSize(spec), o.fraction),
  };
}
