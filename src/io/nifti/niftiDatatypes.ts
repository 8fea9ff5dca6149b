/** The NIfTI voxel datatypes fedseg reads and writes, as a registry keyed by datatype code. */
import type { VoxelArray } from '../../core/types/volume.ts';

export interface NiftiDatatype {
  readonly code: number;
  readonly name: string;
  readonly bytes: number;
  /** allocates a typed array of this type over a buffer */
  readonly view: (buffer: ArrayBuffer, offset: number, length: number) => VoxelArray;
  readonly alloc: (length: number) => VoxelArray;
}

function entry(
  code: number,
  name: string,
  bytes: number,
  ctor: { new (b: ArrayBuffer, o: number, l: number): VoxelArray; new (l: number): VoxelArray },
): NiftiDatatype {
  return { code, name, bytes, view: (b, o, l) => new ctor(b, o, l), alloc: (l) => new ctor(l) };
}

export const NIFTI_DATATYPES: Readonly<Record<number, NiftiDatatype>> = {
  2: entry(2, 'uint8', 1, Uint8Array),
  4: entry(4, 'int16', 2, Int16Array),
  8: entry(8, 'int32', 4, Int32Array),
  16: entry(16, 'float32', 4, Float32Array),
  64: entry(64, 'float64', 8, Float64Array),
  256: entry(256, 'int8', 1, Int8Array),
  512: entry(512, 'uint16', 2, Uint16Array),
  768: entry(768, 'uint32', 4, Uint32Array),
};

/** Names of datatype codes fedseg does not read, for error messages. */
export const UNSUPPORTED_DATATYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'binary',
  32: 'complex64',
  128: 'rgb24',
  511: 'float128',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

/** The datatype code of a typed array (the inverse of NIFTI_DATATYPES). */
export function datatypeOf(data: VoxelArray): NiftiDatatype {
  const code =
    data instanceof Uint8Array ? 2
    : data instanceof Int16Array ? 4
    : data instanceof Int32Array ? 8
    : data instanceof Float32Array ? 16
    : data instanceof Float64Array ? 64
    : data instanceof Int8Array ? 256
    : data instanceof Uint16Array ? 512
    : 768;
  return NIFTI_DATATYPES[code]!;
}
