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
  const [sx, sy, sz] = vol.dims;
  const src = vol.data;
  const n = dims[0] * dims[1] * dims[2];
  const out: VoxelArray = mode === 'nearest' ? new (src.constructor as new (n: number) => VoxelArray)(n) : new Float32Array(n);
  const e = 1e-6;
  const lo = -0.5 - e;
  const hx = sx - 0.5 + e;
  const hy = sy - 0.5 + e;
  const hz = sz - 0.5 + e;
  const plane = sx * sy;
  let p = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      // source coordinates of (0, j, k), then step along i
      let x = m[1]! * j + m[2]! * k + m[3]!;
      let y = m[5]! * j + m[6]! * k + m[7]!;
      let z = m[9]! * j + m[10]! * k + m[11]!;
      const dx = m[0]!;
      const dy = m[4]!;
      const dz = m[8]!;
      for (let i = 0; i < dims[0]; i++, p++, x += dx, y += dy, z += dz) {
        if (x < lo || y < lo || z < lo || x > hx || y > hy || z > hz) continue;
        if (mode === 'nearest') {
          const xi = Math.min(sx - 1, Math.max(0, Math.round(x)));
          const yi = Math.min(sy - 1, Math.max(0, Math.round(y)));
          const zi = Math.min(sz - 1, Math.max(0, Math.round(z)));
          out[p] = src[xi + sx * yi + plane * zi]!;
          continue;
        }
        const cx = Math.min(sx - 1, Math.max(0, x));
        const cy = Math.min(sy - 1, Math.max(0, y));
        const cz = Math.min(sz - 1, Math.max(0, z));
        const x0 = Math.min(sx - 2, Math.floor(cx));
        const y0 = Math.min(sy - 2, Math.floor(cy));
        const z0 = Math.min(sz - 2, Math.floor(cz));
        // single-voxel axes: x0 = -1 would be wrong; fall back to that axis's only sample
        const X0 = x0 < 0 ? 0 : x0;
        const Y0 = y0 < 0 ? 0 : y0;
        const Z0 = z0 < 0 ? 0 : z0;
        const fx = x0 < 0 ? 0 : cx - x0;
        const fy = y0 < 0 ? 0 : cy - y0;
        const fz = z0 < 0 ? 0 : cz - z0;
        const ox = x0 < 0 ? 0 : 1;
        const oy = y0 < 0 ? 0 : sx;
        const oz = z0 < 0 ? 0 : plane;
        const b = X0 + sx * Y0 + plane * Z0;
        const c00 = src[b]! * (1 - fx) + src[b + ox]! * fx;
        const c10 = src[b + oy]! * (1 - fx) + src[b + oy + ox]! * fx;
        const c01 = src[b + oz]! * (1 - fx) + src[b + oz + ox]! * fx;
        const c11 = src[b + oz + oy]! * (1 - fx) + src[b + oz + oy + ox]! * fx;
        out[p] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return { dims: [dims[0], dims[1], dims[2]], spacing: voxelSpacing(affine), affine: [...affine], data: out };
}
