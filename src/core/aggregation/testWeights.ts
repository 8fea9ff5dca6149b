/** Small weight sets for the aggregation and privacy tests (not used by src). */
import type { WeightSet } from '../types/weights.ts';
import { Rng } from '../util/rng.ts';

export const TEST_SHAPES: readonly (readonly number[])[] = [[2, 3], [4], []];

export function randomWeights(seed: number, scale = 1, shapes = TEST_SHAPES): WeightSet {
  const rng = new Rng(seed);
  return shapes.map((shape, i) => ({
    name: `w${i}`,
    shape,
    values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale),
  }));
}

export function fromFlat(flat: readonly number[], shapes = TEST_SHAPES): WeightSet {
  let o = 0;
  return shapes.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from(flat.slice(o, o + n));
    o += n;
    return { name: `w${i}`, shape, values };
  });
}

export function toFlat(w: WeightSet): number[] {
  return w.flatMap((t) => Array.from(t.values));
}

export function maxDiff(a: WeightSet, b: WeightSet): number {
  const x = toFlat(a);
  const y = toFlat(b);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
}
