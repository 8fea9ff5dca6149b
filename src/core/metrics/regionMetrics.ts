/**
 * Per-region Dice and HD95 between a reference and a predicted BraTS label volume,
 * regions ET = {4}, TC = {1,4}, WT = {1,2,4} (label 3 read as 4), with BraTS's
 * conventions for empty regions: both empty -> Dice 1, HD95 0; exactly one empty ->
 * Dice 0, HD95 = HD95_MAX_MM (the diagonal of the 240x240x155 BraTS grid, 373.1287 mm).
 */
import { REGIONS, type Region, type RegionScores } from '../types/labels.ts';
import type { Dims3, Vec3 } from '../types/volume.ts';
import { FedsegError } from '../util/errors.ts';
import { dice } from './dice.ts';
import { hd95, maskBoundingBox } from './surfaceDistances.ts';

export interface RegionMetrics {
  dice: RegionScores;
  hd95: RegionScores;
}

/** The HD95 BraTS reports when exactly one of the two masks is empty. */
export const HD95_MAX_MM = 373.1287;

/** Binary masks of the three regions of a label volume. */
export function regionMasks(labels: Uint8Array): Record<Region, Uint8Array> {
  const et = new Uint8Array(labels.length);
  const tc = new Uint8Array(labels.length);
  const wt = new Uint8Array(labels.length);
  for (let p = 0; p < labels.length; p++) {
    const v = labels[p]!;
    if (v === 4 || v === 3) {
      et[p] = 1;
      tc[p] = 1;
      wt[p] = 1;
    } else if (v === 1) {
      tc[p] = 1;
      wt[p] = 1;
    } else if (v === 2) wt[p] = 1;
  }
  return { ET: et, TC: tc, WT: wt };
}

function isEmpty(m: Uint8Array): boolean {
  for (let p = 0; p < m.length; p++) if (m[p]) return false;
  return true;
}

/** Copies the box [lo, hi] (inclusive) of a volume. */
function crop(v: Uint8Array, dims: Dims3, lo: readonly number[], hi: readonly number[]): Uint8Array {
  const bx = hi[0]! - lo[0]! + 1;
  const by = hi[1]! - lo[1]! + 1;
  const bz = hi[2]! - lo[2]! + 1;
  const out = new Uint8Array(bx * by * bz);
  for (let k = 0, q = 0; k < bz; k++) {
    for (let j = 0; j < by; j++, q += bx) {
      const p = lo[0]! + dims[0] * (lo[1]! + j + dims[1] * (lo[2]! + k));
      out.set(v.subarray(p, p + bx), q);
    }
  }
  return out;
}

export function regionMetrics(truth: Uint8Array, pred: Uint8Array, dims: Dims3, spacing: Vec3): RegionMetrics {
  const n = dims[0] * dims[1] * dims[2];
  if (truth.length !== n || pred.length !== n) {
    throw new FedsegError(
      'METRICS_SHAPE',
      `regionMetrics: expected ${n} voxels (${dims.join('x')}) in both volumes, found truth ${truth.length} and prediction ${pred.length}`,
    );
  }
  // Every region lies inside the box of tumour labels of either volume. Cropping to it
  // plus one voxel (outside: background, or the grid edge itself) keeps surfaces and
  // distances exact and makes the rest cheap.
  const tumour = new Uint8Array(256);
  for (const l of [1, 2, 3, 4]) tumour[l] = 1;
  const any = new Uint8Array(n);
  for (let p = 0; p < n; p++) any[p] = tumour[truth[p]!]! | tumour[pred[p]!]!;
  const box = maskBoundingBox(any, dims);
  const d = {} as RegionScores;
  const h = {} as RegionScores;
  if (!box) {
    for (const r of REGIONS) {
      d[r] = 1;
      h[r] = 0;
    }
    return { dice: d, hd95: h };
  }
  const lo = box.lo.map((v) => Math.max(0, v - 1));
  const hi = box.hi.map((v, a) => Math.min(dims[a]! - 1, v + 1));
  const cdims: Dims3 = [hi[0]! - lo[0]! + 1, hi[1]! - lo[1]! + 1, hi[2]! - lo[2]! + 1];
  const t = regionMasks(crop(truth, dims, lo, hi));
  const p = regionMasks(crop(pred, dims, lo, hi));
  // grid edges of the crop that are not grid edges of the volume must not count as
  // surface: the one-voxel margin guarantees they hold no region voxel there
  for (const r of REGIONS) {
    const te = isEmpty(t[r]);
    const pe = isEmpty(p[r]);
    if (te && pe) {
      d[r] = 1;
      h[r] = 0;
    } else if (te || pe) {
      d[r] = 0;
      h[r] = HD95_MAX_MM;
    } else {
      d[r] = dice(t[r], p[r]);
      h[r] = hd95(t[r], p[r], cdims, spacing) ?? HD95_MAX_MM;
    }
  }
  return { dice: d, hd95: h };
}
