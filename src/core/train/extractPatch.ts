import type { TrainingCase } from '../types/case.ts';
import { halfValues } from '../util/halfFloat.ts';
import { caseImageBox } from './caseImage.ts';

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
 * label); voxels of the volume outside its image box read as the half 0, scaled and shifted
 * like any other voxel of the volume.
 */
export function extractPatch(
  c: Pick<TrainingCase, 'dims' | 'image' | 'imageBox' | 'label'>,
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
  const box = caseImageBox(c);
  const [bx0, by0, bz0] = box.start;
  const [bnx, bny, bnz] = box.dims;
  const half = halfValues();
  // a voxel of the volume outside the box: the half 0, read as any other
  const zero = half[0]!;
  const z0s = zero * s0 + b0, z1s = zero * s1 + b1, z2s = zero * s2 + b2, z3s = zero * s3 + b3;
  const lab = c.label;
  let o = 0;
  for (let pz = 0; pz < p; pz++) {
    const z = z0 + (fz ? p - 1 - pz : pz);
    const zIn = z >= 0 && z < nz;
    const zInBox = z >= bz0 && z < bz0 + bnz;
    for (let py = 0; py < p; py++) {
      const y = y0 + (fy ? p - 1 - py : py);
      const rowIn = zIn && y >= 0 && y < ny;
      const rowInBox = zInBox && y >= by0 && y < by0 + bny;
      const rowBase = (z * ny + y) * nx;
      const boxRowBase = ((z - bz0) * bny + (y - by0)) * bnx - bx0;
      for (let px = 0; px < p; px++, o++) {
        const x = x0 + (fx ? p - 1 - px : px);
        const io = imageOffset + o * 4;
        if (rowIn && x >= 0 && x < nx) {
          if (rowInBox && x >= bx0 && x < bx0 + bnx) {
            const si = (boxRowBase + x) * 4;
            imageOut[io] = half[img[si]!]! * s0 + b0;
            imageOut[io + 1] = half[img[si + 1]!]! * s1 + b1;
            imageOut[io + 2] = half[img[si + 2]!]! * s2 + b2;
            imageOut[io + 3] = half[img[si + 3]!]! * s3 + b3;
          } else {
            imageOut[io] = z0s;
            imageOut[io + 1] = z1s;
            imageOut[io + 2] = z2s;
            imageOut[io + 3] = z3s;
          }
          if (labelOut) labelOut[labelOffset + o] = lab ? (lab[rowBase + x] ?? 0) : 0;
        } else {
          imageOut[io] = imageOut[io + 1] = imageOut[io + 2] = imageOut[io + 3] = 0;
          if (labelOut) labelOut[labelOffset + o] = 0;
        }
      }
    }
  }
}
