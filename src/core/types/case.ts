import type { Sequence } from './sequences.ts';
import type { Volume } from './volume.ts';

/**
 * One patient case, as the model sees it: four co-registered sequences on one grid
 * and, where the site has one, the expert label volume (values {0,1,2,4}).
 */
export interface ImagingCase {
  /** A local identifier. It never leaves the site. */
  readonly id: string;
  readonly images: Readonly<Record<Sequence, Volume>>;
  readonly label?: Volume<Uint8Array>;
}

/**
 * A case preprocessed to the model's input: channels-last image of half floats
 * [nz, ny, nx, 4] (in tensor order: depth = k, height = j, width = i) and the label
 * on the same grid. `dims` is [nx, ny, nz] as in Volume.
 */
export interface TrainingCase {
  readonly id: string;
  readonly dims: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  /**
   * length nx*ny*nz*4, voxel-major then channel (index = voxel * 4 + channel), each value
   * an IEEE half (binary16 bits; util/halfFloat.ts): a prepared BraTS case's image is 30
   * to 60 MB (docs/preprocessing.md), half of float32's, and a z-score keeps 11
   * significant bits (a relative error of at most 2^-11, far below the training's own
   * intensity augmentation of 10%). |z| <= sqrt(voxels) < 65504: no z-score overflows.
   */
  readonly image: Uint16Array;
  /** length nx*ny*nz, values {0,1,2,4}; absent for unlabelled cases */
  readonly label?: Uint8Array;
}
