import type { TrainingCase } from '../types/case.ts';
import { halfValues } from '../util/halfFloat.ts';

export interface PatchWindow {
  /** first voxel (x, y, z) of the window; may be negative or run past the volume (zero padding) */
  readonly start: readonly [number, number, number];
  /** cube edge in voxels */
  readonly size: number;
  /** mirror the window along x, y, z */
  readonly flip?: readonly [boolean, boolean, boolean];
  /** per-channel intensity scale and shift applied to voxels inside the volume */
  readonly scale?: ArrayLike<number>;
  readonly shift?: ArrayLike<number>;
}

/**
 * Copies a cubic window of a case (its halves read as float32) into tensor layout
 * [d=z, h=y, w=x, c=4] at `imageOut` (offset in floats) and, if given, its labels
 * [d, h, w] at `labelOut`. Voxels outside the volume read as 0 (image) and 0 (background
 * label).
 */
export function extractPatch(
  c: Pick<TrainingCase, 'dims' | 'image' | 'label'>,
  win: PatchWindow,
  imageOut: Float32Array,
  imageOffset = 0,
  labelOut?: Uint8Array,
  labelOffset = 0,
): void {
  const [nx, ny, nz] = c.dims;
  const [x0, y0, z0] = win.start;
  const p = win.size;
  const [fx, fy, fz] = win.flip ?? [false, false, false];
  const scale = win.scale ?? [1, 1, 1, 1];
  const shift = win.shift ?? [0, 0, 0, 0];
  const s0 = scale[0] ?? 1, s1 = scale[1] ?? 1, s2 = scale[2] ?? 1, s3 = scale[3] ?? 1;
  const b0 = shift[0] ?? 0, b1 = shift[1] ?? 0, b2 = shift[2] ?? 0, b3 = shift[3] ?? 0;
  const img = c.image;
  const half = halfValues();
  const lab = c.label;
  let o = 0;
  for (let pz = 0; pz < p; pz++) {
    const z = z0 + (fz ? p - 1 - pz : pz);
    const zIn = z >= 0 && z < nz;
    for (let py = 0; py < p; py++) {
      const y = y0 + (fy ? p - 1 - py : py);
      const rowIn = zIn && y >= 0 && y < ny;
      const rowBase = (z * ny + y) * nx;
      for (let px = 0; px < p; px++, o++) {
        const x = x0 + (fx ? p - 1 - px : px);
        const io = imageOffset + o * 4;
        if (rowIn && x >= 0 && x < nx) {
          const v = rowBase + x;
          const si = v * 4;
          imageOut[io] = half[img[si]!]! * s0 + b0;
          imageOut[io + 1] = half[img[si + 1]!]! * s1 + b1;
          imageOut[io + 2] = half[img[si + 2]!]! * s2 + b2;
          imageOut[io + 3] = half[img[si + 3]!]! * s3 + b3;
          if (labelOut) labelOut[labelOffset + o] = lab ? (lab[v] ?? 0) : 0;
        } else {
          imageOut[io] = imageOut[io + 1] = imageOut[io + 2] = imageOut[io + 3] = 0;
          if (labelOut) labelOut[labelOffset + o] = 0;
        }
      }
    }
  }
}
