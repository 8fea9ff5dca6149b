/**
 * Resamples a volume onto another grid (dims + affine, both in the same world space):
 * trilinear ('linear', float32 result) or nearest neighbour ('nearest', same array type:
 * for labels). Target voxels whose centre falls outside the source grid (by more than
 * half a voxel) are 0.
 */
import type { Dims3, Mat4, Volume, VoxelArray } from '../types/volume.ts';
import { invertAffine, multiply, voxelSpacing } from './mat4.ts';

export type Interpolation = 'linear' | 'nearest';

/** target index -> source index map: inv(source affine) * target affine */
export function indexMap(source: Mat4, target: Mat4): number[] {
  return multiply(invertAffine(source), target);
}

export function resampleToGrid<T extends VoxelArray>(vol: Volume<T>, dims: Dims3, affine: Mat4, mode: 'nearest'): Volume<T>;
export function resampleToGrid(vol: Volume<VoxelArray>, dims: Dims3, affine: Mat4, mode: 'linear'): Volume<Float32Array>;
export function resampleToGrid(vol: Volume<VoxelArray>, dims: Dims3, affine: Mat4, mode: Interpolation): Volume<VoxelArray>;
export function resampleToGrid(vol: Volume<VoxelArray>, dims: Dims3, affine: Mat4, mode: Interpolation): Volume<VoxelArray> {
  const m = indexMap(vol.affine, affine);
  const n = dims[0] * dims[1] * dims[2];
  const src = vol.data;
  const out: VoxelArray = mode === 'nearest' ? new (src.constructor as new (n: number) => VoxelArray)(n) : new Float32Array(n);
  if (mode === 'nearest') nearestInto(src, vol.dims, m, dims, out);
  else linearInto(src, vol.dims, m, dims, out as Float32Array);
  return { dims: [dims[0], dims[1], dims[2]], spacing: voxelSpacing(affine), affine: [...affine], data: out };
}

const EPS = 1e-6;

function nearestInto(src: VoxelArray, sdims: Dims3, m: number[], dims: Dims3, out: VoxelArray): void {
  const [sx, sy, sz] = sdims;
  const plane = sx * sy;
  const hx = sx - 0.5 - EPS;
  const hy = sy - 0.5 - EPS;
  const hz = sz - 0.5 - EPS;
  const lo = -0.5 - EPS;
  let p = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      let x = m[1]! * j + m[2]! * k + m[3]!;
      let y = m[5]! * j + m[6]! * k + m[7]!;
      let z = m[9]! * j + m[10]! * k + m[11]!;
      for (let i = 0; i < dims[0]; i++, p++, x += m[0]!, y += m[4]!, z += m[8]!) {
        if (x < lo || y < lo || z < lo || x > hx + 2 * EPS || y > hy + 2 * EPS || z > hz + 2 * EPS) continue;
        // round half up, clamped into the grid
        let xi = Math.floor(x + 0.5);
        let yi = Math.floor(y + 0.5);
        let zi = Math.floor(z + 0.5);
        xi = xi < 0 ? 0 : xi >= sx ? sx - 1 : xi;
        yi = yi < 0 ? 0 : yi >= sy ? sy - 1 : yi;
        zi = zi < 0 ? 0 : zi >= sz ? sz - 1 : zi;
        out[p] = src[xi + sx * yi + plane * zi]!;
      }
    }
  }
}

function linearInto(src: VoxelArray, sdims: Dims3, m: number[], dims: Dims3, out: Float32Array): void {
  const [sx, sy, sz] = sdims;
  const plane = sx * sy;
  const lo = -0.5 - EPS;
  const hx = sx - 0.5 + EPS;
  const hy = sy - 0.5 + EPS;
  const hz = sz - 0.5 + EPS;
  // interior: all eight neighbours exist without clamping
  const ix = sx - 1;
  const iy = sy - 1;
  const iz = sz - 1;
  let p = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      let x = m[1]! * j + m[2]! * k + m[3]!;
      let y = m[5]! * j + m[6]! * k + m[7]!;
      let z = m[9]! * j + m[10]! * k + m[11]!;
      for (let i = 0; i < dims[0]; i++, p++, x += m[0]!, y += m[4]!, z += m[8]!) {
        if (x >= 0 && y >= 0 && z >= 0 && x < ix && y < iy && z < iz) {
          const x0 = x | 0;
          const y0 = y | 0;
          const z0 = z | 0;
          const fx = x - x0;
          const fy = y - y0;
          const fz = z - z0;
          const b = x0 + sx * y0 + plane * z0;
          const c00 = src[b]! + (src[b + 1]! - src[b]!) * fx;
          const c10 = src[b + sx]! + (src[b + sx + 1]! - src[b + sx]!) * fx;
          const c01 = src[b + plane]! + (src[b + plane + 1]! - src[b + plane]!) * fx;
          const c11 = src[b + plane + sx]! + (src[b + plane + sx + 1]! - src[b + plane + sx]!) * fx;
          const c0 = c00 + (c10 - c00) * fy;
          const c1 = c01 + (c11 - c01) * fy;
          out[p] = c0 + (c1 - c0) * fz;
          continue;
        }
        if (x < lo || y < lo || z < lo || x > hx || y > hy || z > hz) continue;
        out[p] = edgeSample(src, sx, sy, sz, x, y, z);
      }
    }
  }
}

/** Trilinear sample near the grid edge: coordinates clamped, single-voxel axes handled. */
function edgeSample(src: VoxelArray, sx: number, sy: number, sz: number, x: number, y: number, z: number): number {
  const plane = sx * sy;
  const cx = Math.min(sx - 1, Math.max(0, x));
  const cy = Math.min(sy - 1, Math.max(0, y));
  const cz = Math.min(sz - 1, Math.max(0, z));
  const x0 = Math.max(0, Math.min(sx - 2, Math.floor(cx)));
  const y0 = Math.max(0, Math.min(sy - 2, Math.floor(cy)));
  const z0 = Math.max(0, Math.min(sz - 2, Math.floor(cz)));
  const fx = sx > 1 ? cx - x0 : 0;
  const fy = sy > 1 ? cy - y0 : 0;
  const fz = sz > 1 ? cz - z0 : 0;
  const ox = sx > 1 ? 1 : 0;
  const oy = sy > 1 ? sx : 0;
  const oz = sz > 1 ? plane : 0;
  const b = x0 + sx * y0 + plane * z0;
  const c00 = src[b]! * (1 - fx) + src[b + ox]! * fx;
  const c10 = src[b + oy]! * (1 - fx) + src[b + oy + ox]! * fx;
  const c01 = src[b + oz]! * (1 - fx) + src[b + oz + ox]! * fx;
  const c11 = src[b + oz + oy]! * (1 - fx) + src[b + oz + oy + ox]! * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}
