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
   * nx*ny*nz*4 values (or 4 for each voxel of `imageBox`), voxel-major then channel
   * (index = voxel * 4 + channel), each an IEEE half (binary16 bits; util/halfFloat.ts):
   * half of float32's bytes, and a z-score keeps 11 significant bits (a relative error of
   * at most 2^-11, far below the training's own intensity augmentation of 10%).
   * |z| <= sqrt(voxels) < 65504: no z-score overflows.
   */
  readonly image: Uint16Array;
  /**
   * The part of the grid `image` holds (train/caseImage.ts): its voxels only, in the same
   * order, so length = box voxels * 4; every voxel of the grid outside it is 0 in all four
   * channels. Absent: the whole grid. prepareCase keeps only the brain's bounding box,
   * since the grid is padded to whole patches with zeros (the shared BraTS case at 64^3
   * patches: 134x160x137 of 192^3, 23.5 MB of image instead of 56.6).
   */
  readonly imageBox?: ImageBox;
  /** length nx*ny*nz (the whole grid), values {0,1,2,4}; absent for unlabelled cases */
  readonly label?: Uint8Array;
}

/** A box of a grid's voxels: its first voxel (x, y, z) and its size, [nx, ny, nz] as in Volume. */
export interface ImageBox {
  readonly start: readonly [number, number, number];
  readonly dims: readonly [number, number, number];
}
