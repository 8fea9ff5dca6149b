/**
 * Exact Euclidean distance transform on a regular grid with anisotropic spacing
 * (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions", Theory of
 * Computing 8, 2012): separable passes along x, y and z, each computing the lower
 * envelope of parabolas f(p) + (s (q - p))^2 in O(n). The y and z passes gather a plane
 * of lines at a time so that memory is read in x order (cache-friendly).
 */
import type { Dims3, Vec3 } from '../types/volume.ts';

/**
 * One line: d[do + q] = min_p f[fo + p] + w2 (q - p)^2 for q in [0, n).
 * `v` (Int32Array n) and `z` (Float64Array n + 1) are scratch buffers.
 */
function envelope1d(
  f: Float64Array, fo: number, d: Float64Array, dO: number, n: number, w2: number, v: Int32Array, z: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[fo + q]!;
    if (fq === Infinity) continue;
    let s = -Infinity;
    while (k >= 0) {
      const p = v[k]!;
      s = (fq + w2 * q * q - (f[fo + p]! + w2 * p * p)) / (2 * w2 * (q - p));
      if (s <= z[k]!) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    d.fill(Infinity, dO, dO + n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    d[dO + q] = w2 * (q - p) * (q - p) + f[fo + p]!;
  }
}

/**
 * Runs the 1D transform along lines of length n and stride `stride`, `width` lines side
 * by side at consecutive addresses, for each of `outer` planes starting at planeStep * o.
 */
function passLines(
  out: Float32Array, n: number, stride: number, width: number, outer: number, planeStep: number, w2: number,
): void {
  const f = new Float64Array(width * n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const live = new Uint8Array(width);
  for (let o = 0; o < outer; o++) {
    const base = planeStep * o;
    live.fill(0);
    for (let q = 0; q < n; q++) {
      const row = base + q * stride;
      for (let a = 0; a < width; a++) {
        const val = out[row + a]!;
        f[a * n + q] = val;
        if (val !== Infinity) live[a] = 1;
      }
    }
    for (let a = 0; a < width; a++) {
      if (!live[a]) continue; // the whole line stays at Infinity
      envelope1d(f, a * n, d, 0, n, w2, v, z);
      for (let q = 0; q < n; q++) f[a * n + q] = d[q]!;
    }
    for (let q = 0; q < n; q++) {
      const row = base + q * stride;
      for (let a = 0; a < width; a++) out[row + a] = f[a * n + q]!;
    }
  }
}

/**
 * Squared Euclidean distance (mm^2) from every voxel to the nearest voxel where
 * `feature` is non-zero; Infinity everywhere when there is no feature voxel.
 * `feature` and the result are x-fastest arrays of the grid `dims`.
 */
export function squaredDistanceTransform(feature: ArrayLike<number>, dims: Dims3, spacing: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  // x: distance along the row to the nearest feature, two sweeps
  const sx = spacing[0];
  for (let r = 0; r < ny * nz; r++) {
    const base = r * nx;
    let last = -Infinity;
    for (let i = 0; i < nx; i++) {
      if (feature[base + i]) last = i;
      out[base + i] = last === -Infinity ? Infinity : (i - last) * sx;
    }
    last = Infinity;
    for (let i = nx - 1; i >= 0; i--) {
      if (feature[base + i]) last = i;
      const dd = (last - i) * sx;
      const cur = out[base + i]!;
      const m = dd < cur ? dd : cur;
      out[base + i] = m * m;
    }
  }
  passLines(out, ny, nx, nx, nz, nx * ny, spacing[1] * spacing[1]);
  passLines(out, nz, nx * ny, nx, ny, nx, spacing[2] * spacing[2]);
  return out;
}
