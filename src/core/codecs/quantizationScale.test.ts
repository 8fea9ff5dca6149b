import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { MSE_CLIP_BOUND, quantizationScale, SCALE_FRACTIONS } from './quantizationScale.ts';

const squaredError = (v: Float32Array, s: number, levels: number) =>
  v.reduce((e, x) => e + (x - Math.max(-levels, Math.min(levels, Math.round(x / s))) * s) ** 2, 0);

describe('quantizationScale', () => {
  it("'maxabs' covers the largest value; an all-zero tensor has scale 0 under either rule", () => {
    const v = Float32Array.from([0.5, -1.4, 0.2]);
    expect(quantizationScale(v, 0, 3, 7, 'maxabs')).toBe(Math.fround(1.4 / 7));
    expect(quantizationScale(new Float32Array(4), 0, 4, 7, 'mse')).toBe(0);
    expect(quantizationScale(v, 1, 2, 7, 'mse')).toBe(Math.fround(1.4 / 7)); // one value: exact at the full scale
  });

  it("'mse' clips the tails of a bell-shaped tensor, and its squared error is the least of the candidates", () => {
    const rng = new Rng(7);
    const v = Float32Array.from({ length: 4000 }, () => rng.normal());
    const full = quantizationScale(v, 0, v.length, 7, 'maxabs');
    const s = quantizationScale(v, 0, v.length, 7, 'mse');
    expect(s).toBeLessThan(0.8 * full); // max |x| of 4000 normals is about 3.5 sigma; the best clip is near 2.5
    const candidates = SCALE_FRACTIONS.map((f) => squaredError(v, Math.fround(f * full), 7));
    expect(squaredError(v, s, 7)).toBeCloseTo(Math.min(...candidates), 6);
    expect(squaredError(v, s, 7)).toBeLessThan(0.7 * squaredError(v, full, 7));
  });

  it("keeps the full scale where clipping does not pay (values spread evenly up to the maximum), and reads only its range", () => {
    const v = Float32Array.from([99, ...Array.from({ length: 15 }, (_, k) => k - 7), -99]);
    expect(quantizationScale(v, 1, 16, 7, 'mse')).toBe(1);
    expect(MSE_CLIP_BOUND).toBeCloseTo(0.6, 12);
  });
});
