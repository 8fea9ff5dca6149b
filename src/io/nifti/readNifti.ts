/**
 * Reads a NIfTI-1 or NIfTI-2 volume (.nii, or gzip-compressed .nii.gz, detected by its
 * magic bytes) into a Volume with its RAS affine. Both byte orders; datatypes uint8,
 * int8, int16, uint16, int32, uint32, float32, float64. scl_slope/scl_inter are applied
 * when they change values (slope 0 or non-finite means no scaling), giving a
 * Float32Array. The memory budget is checked from the header before the voxels are
 * allocated or decompressed. Non-finite voxels (NaN, +-Inf) are set to 0 and counted in
 * `header.nonFiniteVoxels` (with a warning), or refused with NIFTI_NONFINITE when
 * `nonFinite: 'refuse'`.
 * Every failure is a FedsegError with a stable NIFTI_* code and a one-line message.
 */
import type { Mat4, Volume, VoxelArray } from '../../core/types/volume.ts';
import { voxelSpacing } from '../../core/geometry/mat4.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { affineInMillimetres, chooseAffine, type AffineSource } from './niftiAffine.ts';
import { NIFTI_DATATYPES, UNSUPPORTED_DATATYPE_NAMES, type NiftiDatatype } from './niftiDatatypes.ts';
import { listExtensions, parseNiftiHeader, type NiftiExtension, type NiftiHeader } from './niftiHeader.ts';
import { gunzipPrefix, isGzip } from './gunzipPrefix.ts';
import { gunzipPrefixNative } from './gunzipPrefixNative.ts';

export interface NiftiHeaderInfo extends NiftiHeader {
  readonly datatypeName: string;
  /** where the affine came from */
  readonly affineSource: AffineSource;
  /** true when scl_slope/scl_inter were applied (the data is then Float32Array) */
  readonly scaled: boolean;
  readonly extensions: readonly NiftiExtension[];
  readonly nonFiniteVoxels: number;
  readonly gzipped: boolean;
  /** things that were odd but readable, in words */
  readonly warnings: readonly string[];
}

export interface NiftiVolume extends Volume<VoxelArray> {
  readonly header: NiftiHeaderInfo;
}

export interface ReadNiftiOptions {
  /** refuse grids with more voxels than this */
  maxVoxels?: number;
  /** refuse volumes whose voxel data (as returned) would exceed this many bytes; default 512 MiB */
  maxBytes?: number;
  /** NaN/Inf voxels: set to 0 and report (default) or refuse */
  nonFinite?: 'zero' | 'refuse';
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const MAX_VOX_OFFSET = 64 * 1024 * 1024;
/** DEFLATE cannot expand data more than about 1032:1 */
const MAX_DEFLATE_RATIO = 1100;

function fail(code: string, fileName: string, what: string): never {
  throw new FedsegError(code, `${fileName}: ${what}`, { file: fileName });
}

interface Layout {
  readonly header: NiftiHeader;
  readonly dims: [number, number, number];
  readonly type: NiftiDatatype;
  readonly voxOffset: number;
  /** set when vox_offset was 0 and the minimum single-file offset was used instead */
  readonly offsetWarning?: string;
  readonly count: number;
  readonly scaled: boolean;
}

/** Validates the header's grid, datatype, offset and budget; computes where the data lies. */
function layoutOf(prefix: Uint8Array, fileName: string, opts: ReadNiftiOptions): Layout {
  const header = parseNiftiHeader(prefix, fileName);
  const { dim } = header;
  const nd = dim[0]!;
  if (!(nd >= 1 && nd <= 7)) fail('NIFTI_BAD_DIMS', fileName, `expected dim[0] (number of dimensions) from 1 to 7, found ${nd}`);
  const sizes = dim.slice(1, 8).map((d, i) => (i < nd ? d : 1));
  sizes.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) fail('NIFTI_BAD_DIMS', fileName, `expected dim[${i + 1}] >= 1, found ${d}`);
  });
  const extra = sizes.slice(3).reduce((a, b) => a * b, 1);
  if (extra > 1) {
    fail('NIFTI_NOT_3D', fileName, `expected one 3D volume, found ${nd}D data of size ${sizes.slice(0, nd).join('x')} (${extra} volumes); split it into 3D files`);
  }
  const dims: [number, number, number] = [sizes[0]!, sizes[1]!, sizes[2]!];
  const type = NIFTI_DATATYPES[header.datatype];
  if (!type) {
    const name = UNSUPPORTED_DATATYPE_NAMES[header.datatype];
    fail('NIFTI_DATATYPE', fileName, `expected datatype uint8, int8, int16, uint16, int32, uint32, float32 or float64, found code ${header.datatype}${name ? ` (${name})` : ''}`);
  }
  const slope = header.sclSlope;
  const inter = Number.isFinite(header.sclInter) ? header.sclInter : 0;
  const scaled = slope !== 0 && Number.isFinite(slope) && (slope !== 1 || inter !== 0);
  const count = dims[0] * dims[1] * dims[2];
  if (opts.maxVoxels !== undefined && count > opts.maxVoxels) {
    fail('NIFTI_TOO_LARGE', fileName, `expected at most ${opts.maxVoxels} voxels, found ${dims.join('x')} = ${count}`);
  }
  const outBytes = count * (scaled ? 4 : type.bytes);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (count * type.bytes > maxBytes || outBytes > maxBytes) {
    fail('NIFTI_TOO_LARGE', fileName, `expected at most ${(maxBytes / 2 ** 20).toFixed(0)} MiB of voxel data, found ${dims.join('x')} ${type.name} = ${(Math.max(outBytes, count * type.bytes) / 2 ** 20).toFixed(1)} MiB`);
  }
  let vo = header.voxOffset;
  let offsetWarning: string | undefined;
  if (vo === 0) {
    // as nibabel: a single file cannot have its data at 0; use the minimum offset
    vo = header.headerSize + 4;
    offsetWarning = `vox_offset was 0; read the voxels from byte ${vo}, right after the header`;
  }
  if (!Number.isFinite(vo) || vo < header.headerSize || vo > MAX_VOX_OFFSET) {
    fail('NIFTI_BAD_OFFSET', fileName, `expected vox_offset from ${header.headerSize} (the header size) to ${MAX_VOX_OFFSET} (64 MiB of extensions), found ${vo}`);
  }
  return { header, dims, type, voxOffset: Math.floor(vo), count, scaled, ...(offsetWarning ? { offsetWarning } : {}) };
}

export function readNifti(bytes: ArrayBuffer | Uint8Array, fileName: string, opts: ReadNiftiOptions = {}): NiftiVolume {
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (!isGzip(input)) return decodeNifti(input, layoutOf(input, fileName, opts), false, fileName, opts);
  let layout: Layout | null = null;
  const raw = gunzipPrefix(input, fileName, 540, (prefix) => {
    layout = layoutOf(prefix, fileName, opts);
    return bytesNeeded(layout, input.length, fileName);
  });
  return decodeNifti(raw, layout ?? layoutOf(raw, fileName, opts), true, fileName, opts);
}

/**
 * readNifti with the platform's native gzip (DecompressionStream, in browsers and
 * Node >= 18): several times faster than the pure-JS inflater on large volumes. Same
 * results and errors as readNifti; falls back to it where DecompressionStream is missing.
 */
export async function readNiftiAsync(bytes: ArrayBuffer | Uint8Array, fileName: string, opts: ReadNiftiOptions = {}): Promise<NiftiVolume> {
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (!isGzip(input) || typeof DecompressionStream === 'undefined') return readNifti(input, fileName, opts);
  let layout: Layout | null = null;
  const raw = await gunzipPrefixNative(input, fileName, 540, (prefix) => {
    layout = layoutOf(prefix, fileName, opts);
    return bytesNeeded(layout, input.length, fileName);
  });
  return decodeNifti(raw, layout ?? layoutOf(raw, fileName, opts), true, fileName, opts);
}

/** Bytes of decompressed file needed; refuses sizes no DEFLATE stream of this length can hold. */
function bytesNeeded(lay: Layout, compressedLength: number, fileName: string): number {
  const need = lay.voxOffset + lay.count * lay.type.bytes;
  if (need > compressedLength * MAX_DEFLATE_RATIO + 65536) {
    fail('NIFTI_TRUNCATED', fileName, `expected ${need} bytes (header ${lay.voxOffset} + ${lay.dims.join('x')} ${lay.type.name} voxels), but ${compressedLength} compressed bytes cannot hold that many`);
  }
  return need;
}

/** Voxel data, scaling, non-finite handling and affine, from the decompressed file. */
function decodeNifti(raw: Uint8Array, lay: Layout, gzipped: boolean, fileName: string, opts: ReadNiftiOptions): NiftiVolume {
  const { header, dims, type, voxOffset, count } = lay;
  const need = voxOffset + count * type.bytes;
  if (raw.length < need) {
    fail('NIFTI_TRUNCATED', fileName, `the file is cut short (was its copy or download interrupted?): expected ${need} bytes (header ${voxOffset} + ${dims.join('x')} ${type.name} voxels), found ${raw.length}${gzipped ? ' after decompression' : ''}`);
  }
  const warnings: string[] = lay.offsetWarning ? [lay.offsetWarning] : [];
  const ext = listExtensions(raw, { ...header, voxOffset });
  if (ext.problem) warnings.push(ext.problem);
  const chosen = chooseAffine(header, dims);
  const { source } = chosen;
  warnings.push(...chosen.warnings);
  const { affine, warning: unitWarning } = affineInMillimetres(chosen.affine, header.xyztUnits);
  if (unitWarning) warnings.push(unitWarning);

  // copy the voxel bytes into an aligned buffer, swapping bytes for big-endian files
  // (an explicit copy: Node's Buffer.slice would be a view into a shared pool)
  const bytesCopy = new Uint8Array(need - voxOffset);
  bytesCopy.set(raw.subarray(voxOffset, need));
  const buf = bytesCopy.buffer;
  if (!header.littleEndian && type.bytes > 1) swapBytes(new Uint8Array(buf), type.bytes);
  let data: VoxelArray = type.view(buf, 0, count);
  if (lay.scaled) {
    const slope = header.sclSlope;
    const inter = Number.isFinite(header.sclInter) ? header.sclInter : 0;
    const out = new Float32Array(count);
    for (let p = 0; p < count; p++) out[p] = data[p]! * slope + inter;
    data = out;
  }
  let nonFinite = 0;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let p = 0; p < count; p++) {
      if (!Number.isFinite(data[p]!)) {
        if (opts.nonFinite === 'refuse') {
          fail('NIFTI_NONFINITE', fileName, `expected finite voxel values, found ${data[p]} at voxel ${p}${lay.scaled ? ' after scl_slope/scl_inter' : ''}`);
        }
        data[p] = 0;
        nonFinite++;
      }
    }
    if (nonFinite > 0) warnings.push(`${nonFinite} voxels were NaN or infinite and were set to 0`);
  }
  const info: NiftiHeaderInfo = {
    ...header,
    datatypeName: type.name,
    affineSource: source,
    scaled: lay.scaled,
    extensions: ext.extensions,
    nonFiniteVoxels: nonFinite,
    gzipped,
    warnings,
  };
  return { dims, spacing: voxelSpacing(affine), affine: affine as Mat4, data, header: info };
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let p = 0; p + size <= b.length; p += size) {
    for (let i = 0, j = size - 1; i < j; i++, j--) {
      const t = b[p + i]!;
      b[p + i] = b[p + j]!;
      b[p + j] = t;
    }
  }
}
