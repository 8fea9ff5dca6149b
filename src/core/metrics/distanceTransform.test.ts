import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { squaredDistanceTransform } from './distanceTransform.ts';

function bruteForce(feature: Uint8Array, dims: readonly [number, number, number], s: readonly [number, number, number]): Float64Array {
  const [nx, ny, nz] = dims;
  const pts: [number, number, number][] = [];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (feature[i + nx * (j + ny * k)]) pts.push([i, j, k]);
  const out = new Float64Array(nx * ny * nz).fill(Infinity);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    let best = Infinity;
    for (const [a, b, c] of pts) best = Math.min(best, ((i - a) * s[0]) ** 2 + ((j - b) * s[1]) ** 2 + ((k - c) * s[2]) ** 2);
    out[i + nx * (j + ny * k)] = best;
  }
  return out;
}

describe('squaredDistanceTransform', () => {
  it('matches brute force on random sparse features with anisotropic spacing', () => {
    const rng = new Rng(11);
    for (const [dims, spacing] of [
      [[9, 7, 5], [1, 1, 1]],
      [[12, 5, 8], [0.7, 1.3, 2.5]],
      [[4, 11, 6], [3, 0.5, 1]],
    ] as const) {
      const n = dims[0] * dims[1] * dims[2];
      const f = new Uint8Array(n);
      for (let p = 0; p < n; p++) f[p] = rng.next() < 0.03 ? 1 : 0;
      f[rng.int(0, n)] = 1;
      const got = squaredDistanceTransform(f, dims, spacing);
      const want = bruteForce(f, dims, spacing);
      for (let p = 0; p < n; p++) expect(got[p]).toBeCloseTo(want[p]!, 3);
    }
  });

  it('gives Infinity everywhere without features and 0 on them', () => {
    const none = squaredDistanceTransform(new Uint8Array(27), [3, 3, 3], [1, 1, 1]);
    expect([...none].every((v) => v === Infinity)).toBe(true);
    const one = new Uint8Array(27);
    one[13] = 1;
    const d = squaredDistanceTransform(one, [3, 3, 3], [2, 1, 1]);
    expect(d[13]).toBe(0);
    expect(d[0]).toBe(4 + 1 + 1);
  });
});
