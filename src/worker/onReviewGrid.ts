/**
 * A case's sequences and expert label on the grid the prediction is made on (the T1 as
 * read, prepareCase's reference): a sequence or label on another grid of the same study
 * (a 3D T1Gd beside a 2D T1, a thick-slice FLAIR) is resampled onto it, trilinear for
 * images, nearest for labels, so the radiologist sees every sequence under the mask and
 * the per-case Dice compares voxels that lie at one place.
 */
import { resampleToGrid } from '../core/geometry/resampleToGrid.ts';
import type { ImagingCase } from '../core/types/case.ts';
import { SEQUENCES, type Sequence } from '../core/types/sequences.ts';
import type { Volume, VoxelArray } from '../core/types/volume.ts';
import { sameGrid } from '../io/discovery/niftiCases.ts';

export interface ReviewGrid {
  readonly ref: Volume<Float32Array>;
  readonly images: Record<Sequence, Float32Array>;
  readonly truth: Uint8Array | undefined;
}

export function onReviewGrid(imaging: ImagingCase): ReviewGrid {
  const ref = imaging.images[SEQUENCES[0]];
  const onRef = (v: Volume<VoxelArray>, mode: 'linear' | 'nearest'): VoxelArray =>
    sameGrid(v, ref) ? v.data : resampleToGrid(v, ref.dims, ref.affine, mode).data;
  const images = Object.fromEntries(SEQUENCES.map((s) => {
    const data = onRef(imaging.images[s], 'linear');
    return [s, data instanceof Float32Array ? data : Float32Array.from(data)];
  })) as Record<Sequence, Float32Array>;
  const label = imaging.label ? onRef(imaging.label, 'nearest') : undefined;
  return { ref, images, truth: label === undefined ? undefined : label instanceof Uint8Array ? label : Uint8Array.from(label) };
}
