/**
 * Exact reorientation by axis permutation and flips (no interpolation): a grid stored
 * in any orientation becomes RAS-ordered (i towards Right, j Anterior, k Superior, the
 * closest such ordering for oblique grids), with the affine adjusted so that every voxel
 * keeps its world position.
 */
import type { Dims3, Mat4, Volume, VoxelArray } from '../types/volume.ts';
import { multiply, voxelSpacing } from './mat4.ts';
import { axisAssignment } from './orientation.ts';

export interface AxisReorientation {
  /** new axis a is old axis perm[a] */
  readonly perm: readonly [number, number, number];
  /** new axis a runs backwards along old axis perm[a] */
  readonly flip: readonly [boolean, boolean, boolean];
}

/** The permutation/flips that bring a grid with this affine to RAS order. */
export function canonicalReorientation(affine: Mat4): AxisReorientation {
  const { worldAxis, sign } = axisAssignment(affine);
  const perm = [0, 0, 0];
  const flip = [false, false, false];
  for (let old = 0; old < 3; old++) {
    perm[worldAxis[old]!] = old;
    flip[worldAxis[old]!] = sign[old]! < 0;
  }
  return { perm: perm as [number, number, number], flip: flip as [boolean, boolean, boolean] };
}

export function isIdentityReorientation(r: AxisReorientation): boolean {
  return r.perm[0] === 0 && r.perm[1] === 1 && r.perm[2] === 2 && !r.flip[0] && !r.flip[1] && !r.flip[2];
}

/** Dims after reorientation. */
export function reorientedDims(dims: Dims3, r: AxisReorientation): [number, number, number] {
  return [dims[r.perm[0]]!, dims[r.perm[1]]!, dims[r.perm[2]]!];
}

/** The affine of the reoriented grid: old affine times the new-index -> old-index map. */
export function reorientedAffine(affine: Mat4, dims: Dims3, r: AxisReorientation): number[] {
  const t = new Array<number>(16).fill(0);
  t[15] = 1;
  for (let a = 0; a < 3; a++) {
    const old = r.perm[a]!;
    t[4 * old + a] = r.flip[a] ? -1 : 1;
    if (r.flip[a]) t[4 * old + 3] = dims[old]! - 1;
  }
  return multiply(affine, t);
}

/** Start offset and per-axis steps, in the old linear index, of the new grid's axes. */
function oldIndexSteps(dims: Dims3, r: AxisReorientation): { start: number; step: [number, number, number] } {
  const oldStride = [1, dims[0], dims[0] * dims[1]];
  const step = [0, 1, 2].map((a) => (r.flip[a] ? -1 : 1) * oldStride[r.perm[a]!]!) as [number, number, number];
  let start = 0;
  for (let a = 0; a < 3; a++) if (r.flip[a]) start += (dims[r.perm[a]!]! - 1) * oldStride[r.perm[a]!]!;
  return { start, step };
}

/**
 * Data of a volume permuted/flipped to the new grid, into `out` when given (any array
 * type: e.g. a Float32Array to convert while copying), else a new array of the same type.
 */
export function reorientData<T extends VoxelArray, O extends VoxelArray = T>(data: T, dims: Dims3, r: AxisReorientation, out?: O): O {
  const res = out ?? (new (data.constructor as new (n: number) => VoxelArray)(data.length) as O);
  const nd = reorientedDims(dims, r);
  const { start, step } = oldIndexSteps(dims, r);
  const [s0, s1, s2] = step;
  const nx = nd[0];
  let n = 0;
  for (let k = 0; k < nd[2]; k++) {
    for (let j = 0; j < nd[1]; j++, n += nx) {
      const o = start + k * s2 + j * s1;
      if (s0 === 1) res.set(data.subarray(o, o + nx), n);
      else if (s0 === -1) {
        // rows stored backwards: native copy (with type conversion), then reverse in place
        res.set(data.subarray(o - nx + 1, o + 1), n);
        res.subarray(n, n + nx).reverse();
      } else {
        for (let i = 0, oo = o; i < nx; i++, oo += s0) res[n + i] = data[oo]!;
      }
    }
  }
  return res;
}

/** The inverse of reorientData: data on the new grid back onto the old grid `dims`. */
export function unreorientData<T extends VoxelArray>(data: T, dims: Dims3, r: AxisReorientation): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const nd = reorientedDims(dims, r);
  const { start, step } = oldIndexSteps(dims, r);
  const [s0, s1, s2] = step;
  let n = 0;
  for (let k = 0; k < nd[2]; k++) {
    for (let j = 0; j < nd[1]; j++) {
      let o = start + k * s2 + j * s1;
      for (let i = 0; i < nd[0]; i++, o += s0) out[o] = data[n++]!;
    }
  }
  return out;
}

export function reorientVolume<T extends VoxelArray>(vol: Volume<T>, r: AxisReorientation): Volume<T> {
  if (isIdentityReorientation(r)) return vol;
  const affine = reorientedAffine(vol.affine, vol.dims, r);
  return { dims: reorientedDims(vol.dims, r), spacing: voxelSpacing(affine), affine, data: reorientData(vol.data, vol.dims, r) };
}

/** The volume with its axes permuted and flipped to RAS order (the same object if already RAS). */
export function reorientToCanonical<T extends VoxelArray>(vol: Volume<T>): Volume<T> {
  return reorientVolume(vol, canonicalReorientation(vol.affine));
}
