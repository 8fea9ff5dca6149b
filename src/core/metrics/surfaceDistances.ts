/**
 * Symmetric surface distances between two binary masks and their 95th percentile
 * (HD95), as BraTS and medpy compute them: a surface voxel is a mask voxel with a
 * 6-neighbour outside the mask (or outside the grid); the distances are those from each
 * surface voxel of one mask to the nearest surface voxel of the other, both ways,
 * pooled; HD95 is their 95th percentile with linear interpolation (numpy's default).
 * The distance transform runs only on the bounding box of both masks, which is exact
 * because every surface voxel lies inside it.
 */
import type { Dims3, Vec3 } from '../types/volume.ts';
import { squaredDistanceTransform } from './distanceTransform.ts';

export interface Box {
  readonly lo: [number, number, number];
  readonly hi: [number, number, number]; // inclusive
}

/** Bounding box (inclusive) of the non-zero voxels of a mask; null when it is empty. */
export function maskBoundingBox(mask: ArrayLike<number>, dims: Dims3): Box | null {
  const [nx, ny, nz] = dims;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [-1, -1, -1];
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        if (!mask[p]) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
    }
  }
  return hi[0] < 0 ? null : { lo, hi };
}

/** Surface voxels of `mask`, as a 0/1 array over `box` (x fastest). */
function surfaceInBox(mask: Uint8Array, dims: Dims3, box: Box): Uint8Array {
  const [nx, ny, nz] = dims;
  const bx = box.hi[0] - box.lo[0] + 1;
  const by = box.hi[1] - box.lo[1] + 1;
  const bz = box.hi[2] - box.lo[2] + 1;
  const out = new Uint8Array(bx * by * bz);
  const sy = nx;
  const sz = nx * ny;
  for (let k = box.lo[2], q = 0; k <= box.hi[2]; k++) {
    for (let j = box.lo[1]; j <= box.hi[1]; j++) {
      for (let i = box.lo[0]; i <= box.hi[0]; i++, q++) {
        const p = i + nx * (j + ny * k);
        if (!mask[p]) continue;
        const inner =
          i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1 &&
          mask[p - 1] && mask[p + 1] && mask[p - sy] && mask[p + sy] && mask[p - sz] && mask[p + sz];
        if (!inner) out[q] = 1;
      }
    }
  }
  return out;
}

/**
 * All surface distances (mm) from A's surface to B's and from B's to A's, pooled.
 * Returns null when either mask is empty.
 */
export function surfaceDistances(a: Uint8Array, b: Uint8Array, dims: Dims3, spacing: Vec3): Float64Array | null {
  const boxA = maskBoundingBox(a, dims);
  const boxB = maskBoundingBox(b, dims);
  if (!boxA || !boxB) return null;
  const box: Box = {
    lo: [0, 1, 2].map((x) => Math.min(boxA.lo[x]!, boxB.lo[x]!)) as [number, number, number],
    hi: [0, 1, 2].map((x) => Math.max(boxA.hi[x]!, boxB.hi[x]!)) as [number, number, number],
  };
  const bdims: Dims3 = [box.hi[0] - box.lo[0] + 1, box.hi[1] - box.lo[1] + 1, box.hi[2] - box.lo[2] + 1];
  const sa = surfaceInBox(a, dims, box);
  const sb = surfaceInBox(b, dims, box);
  const da = squaredDistanceTransform(sa, bdims, spacing);
  const db = squaredDistanceTransform(sb, bdims, spacing);
  let count = 0;
  for (let q = 0; q < sa.length; q++) count += sa[q]! + sb[q]!;
  const out = new Float64Array(count);
  let n = 0;
  for (let q = 0; q < sa.length; q++) {
    if (sa[q]) out[n++] = Math.sqrt(db[q]!);
    if (sb[q]) out[n++] = Math.sqrt(da[q]!);
  }
  return out;
}

/** The p-th percentile (0..100) with linear interpolation between order statistics, as numpy. */
export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** 95th percentile of the symmetric surface distances (mm); null when either mask is empty. */
export function hd95(a: Uint8Array, b: Uint8Array, dims: Dims3, spacing: Vec3): number | null {
  const d = surfaceDistances(a, b, dims, spacing);
  return d ? percentile(d, 95) : null;
}
