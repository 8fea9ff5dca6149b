/**
 * The image of a TrainingCase, which may hold only a box of its grid (TrainingCase.imageBox):
 * the box it holds, and the check that the box lies inside the grid and the image has its
 * length. Readers (extractPatch) read voxels outside the box as 0.
 */
import type { ImageBox, TrainingCase } from '../types/case.ts';
import { voxelCount } from '../types/volume.ts';
import { FedsegError } from '../util/errors.ts';

/** The box `c.image` holds: `c.imageBox`, or the whole grid. */
export function caseImageBox(c: Pick<TrainingCase, 'dims' | 'imageBox'>): ImageBox {
  return c.imageBox ?? { start: [0, 0, 0], dims: c.dims };
}

/** Throws `code`, naming `what`, unless the image box lies inside the grid and the image holds 4 values for each of its voxels. */
export function checkCaseImage(c: Pick<TrainingCase, 'dims' | 'image' | 'imageBox'>, code: string, what: string): void {
  const box = caseImageBox(c);
  const inside = [0, 1, 2].every((a) => {
    const s = box.start[a]!, d = box.dims[a]!;
    return Number.isInteger(s) && Number.isInteger(d) && s >= 0 && d >= 0 && s + d <= c.dims[a]!;
  });
  if (!inside) {
    throw new FedsegError(code, `${what}: expected an image box inside the ${c.dims.join('x')} grid; found ${box.dims.join('x')} from (${box.start.join(', ')})`);
  }
  const n = voxelCount(box.dims);
  if (c.image.length !== n * 4) {
    const of = c.imageBox ? `the ${box.dims.join('x')} image box of the ${c.dims.join('x')} grid` : c.dims.join('x');
    throw new FedsegError(code, `${what}: expected ${n * 4} image values (${of} x 4 channels); found ${c.image.length}`);
  }
}

/** The image on the whole grid: `c.image` itself when it holds the whole grid, else a copy with zeros outside the box. */
export function wholeGridImage(c: Pick<TrainingCase, 'dims' | 'image' | 'imageBox'>): Uint16Array {
  if (!c.imageBox) return c.image;
  const [nx, ny] = c.dims;
  const { start: [sx, sy, sz], dims: [bx, by, bz] } = c.imageBox;
  const out = new Uint16Array(voxelCount(c.dims) * 4);
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const from = (k * by + j) * bx * 4;
      out.set(c.image.subarray(from, from + bx * 4), (sx + nx * (sy + j + ny * (sz + k))) * 4);
    }
  }
  return out;
}
