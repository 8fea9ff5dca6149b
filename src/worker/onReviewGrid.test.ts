import { describe, expect, it } from 'vitest';
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import type { ImagingCase } from '../core/types/case.ts';
import type { Volume, VoxelArray } from '../core/types/volume.ts';
import { onReviewGrid } from './onReviewGrid.ts';

/** the volume on a grid twice as coarse in i and shifted one source voxel along j (values taken at those centres) */
function coarser<T extends VoxelArray>(v: Volume<T>): Volume<T> {
  const [nx, ny, nz] = v.dims;
  const dims = [Math.floor(nx / 2), ny - 1, nz] as const;
  const data = new (v.data.constructor as new (n: number) => T)(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = v.data[2 * i + nx * (j + 1 + ny * k)]!;
  const a = v.affine;
  // column 0 doubled; origin moved by one voxel along j
  const affine = [2 * a[0]!, a[1]!, a[2]!, a[3]! + a[1]!, 2 * a[4]!, a[5]!, a[6]!, a[7]! + a[5]!, 2 * a[8]!, a[9]!, a[10]!, a[11]! + a[9]!, 0, 0, 0, 1];
  return { dims, spacing: [2 * v.spacing[0], v.spacing[1], v.spacing[2]], affine, data };
}

describe('onReviewGrid', () => {
  const c = syntheticCase({ seed: 3, size: 16 });

  it('passes sequences and label already on the T1 grid through unchanged', () => {
    const g = onReviewGrid(c);
    expect(g.ref).toBe(c.images.t1);
    expect(g.images.flair).toBe(c.images.flair.data);
    expect(g.truth).toBe(c.label!.data);
  });

  it('resamples a sequence and a label on another grid onto the T1 grid, voxel for voxel where they were sampled', () => {
    const moved: ImagingCase = { ...c, images: { ...c.images, flair: coarser(c.images.flair) }, label: coarser(c.label!) };
    const g = onReviewGrid(moved);
    const [nx, ny, nz] = c.images.t1.dims;
    expect(g.images.flair.length).toBe(nx * ny * nz);
    expect(g.truth!.length).toBe(nx * ny * nz);
    let checked = 0;
    // the T1 voxels that are centres of the coarse grid carry the original values; one row (j = 0) lies outside it
    for (let k = 0; k < nz; k++)
      for (let j = 1; j < ny; j++)
        for (let i = 0; i < nx - 1; i += 2) {
          const p = i + nx * (j + ny * k);
          expect(g.images.flair[p]).toBeCloseTo(c.images.flair.data[p]!, 4);
          expect(g.truth![p]).toBe(c.label!.data[p]);
          checked++;
        }
    expect(checked).toBe((nx / 2) * (ny - 1) * nz);
    expect(g.truth!.some((v) => v > 0)).toBe(true);
    expect(g.truth).toBeInstanceOf(Uint8Array);
  });
});
