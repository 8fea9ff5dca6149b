/**
 * Pure arithmetic on weight sets (DISCO keeps its aggregation math the same way): no state,
 * no allocation beyond the result. Shapes are assumed to match (callers check specs first).
 */
import type { NamedArray, WeightSet } from '../types/weights.ts';

function map(a: WeightSet, f: (t: NamedArray, i: number) => Float32Array): WeightSet {
  return a.map((t, i) => ({ name: t.name, shape: t.shape, values: f(t, i) }));
}

export function zerosLike(a: WeightSet): WeightSet {
  return map(a, (t) => new Float32Array(t.values.length));
}

export function cloneWeights(a: WeightSet): WeightSet {
  return map(a, (t) => t.values.slice());
}

/** a + b */
export function add(a: WeightSet, b: WeightSet): WeightSet {
  return map(a, (t, i) => {
    const bv = b[i]!.values;
    const out = new Float32Array(t.values.length);
    for (let k = 0; k < out.length; k++) out[k] = t.values[k]! + bv[k]!;
    return out;
  });
}

/** a - b (an update is local weights minus the global ones) */
export function subtract(a: WeightSet, b: WeightSet): WeightSet {
  return map(a, (t, i) => {
    const bv = b[i]!.values;
    const out = new Float32Array(t.values.length);
    for (let k = 0; k < out.length; k++) out[k] = t.values[k]! - bv[k]!;
    return out;
  });
}

/** s * a */
export function scale(a: WeightSet, s: number): WeightSet {
  return map(a, (t) => {
    const out = new Float32Array(t.values.length);
    for (let k = 0; k < out.length; k++) out[k] = t.values[k]! * s;
    return out;
  });
}

/** L2 norm over all tensors together (accumulated in float64). */
export function l2norm(a: WeightSet): number {
  let s = 0;
  for (const t of a) for (let k = 0; k < t.values.length; k++) s += t.values[k]! * t.values[k]!;
  return Math.sqrt(s);
}

/** Largest absolute value over all tensors. */
export function maxAbs(a: WeightSet): number {
  let m = 0;
  for (const t of a) for (let k = 0; k < t.values.length; k++) m = Math.max(m, Math.abs(t.values[k]!));
  return m;
}

/**
 * Scale `a` down so that its L2 norm is at most maxNorm (unchanged when already inside).
 * Returns the clipped set (the input itself when no clipping was needed), its original norm
 * and the factor applied.
 */
export function clipToNorm(a: WeightSet, maxNorm: number): { clipped: WeightSet; norm: number; factor: number } {
  const norm = l2norm(a);
  if (norm <= maxNorm) return { clipped: a, norm, factor: 1 };
  const factor = maxNorm / norm;
  return { clipped: scale(a, factor), norm, factor };
}

/** Weighted mean of several sets (for tests and small cases; aggregators stream instead). */
export function weightedMean(sets: readonly WeightSet[], weights: readonly number[]): WeightSet {
  let total = 0;
  for (const w of weights) total += w;
  const first = sets[0]!;
  return map(first, (t, i) => {
    const acc = new Float64Array(t.values.length);
    sets.forEach((set, j) => {
      const v = set[i]!.values;
      const w = weights[j]!;
      for (let k = 0; k < acc.length; k++) acc[k]! += w * v[k]!;
    });
    return Float32Array.from(acc, (x) => x / total);
  });
}
