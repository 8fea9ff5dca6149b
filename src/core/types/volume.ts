/**
 * A 3D scalar volume on a regular grid, with the affine that maps voxel indices to
 * patient coordinates in millimetres.
 *
 * Conventions (those of NIfTI and nibabel):
 * - `dims` is [nx, ny, nz]; voxel (i, j, k) lives at `data[i + nx * (j + ny * k)]`
 *   (x fastest, as NIfTI stores it).
 * - `affine` is a 4x4 row-major matrix mapping (i, j, k, 1) to world (x, y, z, 1) in
 *   RAS+ millimetres: +x towards the patient's Right, +y Anterior, +z Superior.
 *   DICOM uses LPS+ (+x Left, +y Posterior, +z Superior): LPS = (-x, -y, z).
 * - `spacing` is the voxel size in mm along i, j, k (the column norms of the affine).
 */
export type Vec3 = readonly [number, number, number];
export type Dims3 = readonly [number, number, number];
/** 4x4 row-major matrix, 16 numbers. */
export type Mat4 = readonly number[];

export type VoxelArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

export interface Volume<T extends VoxelArray = Float32Array> {
  readonly dims: Dims3;
  readonly spacing: Vec3;
  /** voxel (i,j,k) -> RAS+ mm, row-major 4x4 */
  readonly affine: Mat4;
  readonly data: T;
}

/** Where a volume's voxels lie, without the voxels. */
export type VolumePlacement = Pick<Volume<VoxelArray>, 'dims' | 'spacing' | 'affine'>;

/** Number of voxels of a grid. */
export function voxelCount(dims: Dims3): number {
  return dims[0] * dims[1] * dims[2];
}

/** Linear index of voxel (i, j, k), x fastest. */
export function voxelIndex(dims: Dims3, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}

/** The affine of an axis-aligned grid with the given spacing and origin (RAS+). */
export function diagonalAffine(spacing: Vec3, origin: Vec3 = [0, 0, 0]): Mat4 {
  return [
    spacing[0], 0, 0, origin[0],
    0, spacing[1], 0, origin[1],
    0, 0, spacing[2], origin[2],
    0, 0, 0, 1,
  ];
}
