/**
 * What a scanner does to an ideal image: a smooth multiplicative bias field, limited
 * resolution (in-plane blur and thick slices: averaged over `resolution` mm along z,
 * then interpolated back to 1 mm, as a resampled clinical scan looks) and noise.
 * All operate in place on cubic volumes of side n, x fastest.
 */
import type { Rng } from '../util/rng.ts';

/** A smooth field 1 + strength * (random quadratic polynomial in normalised coordinates), clamped to >= 0.2. */
export function biasField(rng: Rng, n: number, strength: number): Float32Array {
  const out = new Float32Array(n * n * n);
  const c = Array.from({ length: 9 }, () => rng.uniform(-1, 1));
  const norm = 1 / (Math.abs(c[0]!) + Math.abs(c[1]!) + Math.abs(c[2]!) + 0.5 * (Math.abs(c[3]!) + Math.abs(c[4]!) + Math.abs(c[5]!) + Math.abs(c[6]!) + Math.abs(c[7]!) + Math.abs(c[8]!)) || 1);
  const h = (n - 1) / 2 || 1;
  for (let k = 0, p = 0; k < n; k++) {
    const z = (k - h) / h;
    for (let j = 0; j < n; j++) {
      const y = (j - h) / h;
      for (let i = 0; i < n; i++, p++) {
        const x = (i - h) / h;
        const poly =
          c[0]! * x + c[1]! * y + c[2]! * z + 0.5 * (c[3]! * x * x + c[4]! * y * y + c[5]! * z * z + c[6]! * x * y + c[7]! * y * z + c[8]! * x * z);
        out[p] = Math.max(0.2, 1 + strength * poly * norm);
      }
    }
  }
  return out;
}

/** 1D Gaussian kernel for standard deviation sigma (voxels), truncated at 3 sigma. */
function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** Separable convolution along one axis (0 = x, 1 = y, 2 = z) with clamped edges. */
function convolveAxis(v: Float32Array, n: number, axis: 0 | 1 | 2, kernel: Float32Array): void {
  const r = (kernel.length - 1) / 2;
  const stride = axis === 0 ? 1 : axis === 1 ? n : n * n;
  const line = new Float32Array(n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const base = axis === 0 ? n * (a + n * b) : axis === 1 ? a + n * n * b : a + n * b;
      for (let t = 0; t < n; t++) line[t] = v[base + t * stride]!;
      for (let t = 0; t < n; t++) {
        let s = 0;
        for (let q = -r; q <= r; q++) {
          const u = Math.min(n - 1, Math.max(0, t + q));
          s += kernel[q + r]! * line[u]!;
        }
        v[base + t * stride] = s;
      }
    }
  }
}

/**
 * Degrades a 1 mm image to `resolution` mm: Gaussian blur in-plane with the FWHM that
 * brings 1 mm to `resolution` mm, and along z averaging over slabs of round(resolution)
 * slices, linearly interpolated back between slab centres.
 */
export function degradeResolution(v: Float32Array, n: number, resolution: number): void {
  if (resolution <= 1.01) return;
  const fwhm = Math.sqrt(resolution * resolution - 1);
  const sigma = fwhm / 2.3548;
  const kernel = gaussianKernel(sigma);
  convolveAxis(v, n, 0, kernel);
  convolveAxis(v, n, 1, kernel);
  const slab = Math.max(1, Math.round(resolution));
  if (slab === 1) {
    convolveAxis(v, n, 2, kernel);
    return;
  }
  const slabs = Math.ceil(n / slab);
  const plane = n * n;
  const means = new Float32Array(slabs * plane);
  for (let s = 0; s < slabs; s++) {
    const k0 = s * slab;
    const k1 = Math.min(n, k0 + slab);
    for (let k = k0; k < k1; k++) for (let p = 0; p < plane; p++) means[s * plane + p]! += v[k * plane + p]! / (k1 - k0);
  }
  for (let k = 0; k < n; k++) {
    // position of slice k in slab-centre units
    const pos = Math.min(slabs - 1, Math.max(0, (k + 0.5) / slab - 0.5));
    const s0 = Math.floor(pos);
    const s1 = Math.min(slabs - 1, s0 + 1);
    const w = pos - s0;
    for (let p = 0; p < plane; p++) v[k * plane + p] = (1 - w) * means[s0 * plane + p]! + w * means[s1 * plane + p]!;
  }
}

/** Adds Gaussian noise of standard deviation sigma to every voxel. */
export function addNoise(rng: Rng, v: Float32Array, sigma: number): void {
  if (sigma <= 0) return;
  for (let p = 0; p < v.length; p++) v[p]! += sigma * rng.normal();
}
