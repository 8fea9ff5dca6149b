/**
 * Writes single-file NIfTI-1 (.nii, or .nii.gz with `gzip: true`), little endian, with
 * the volume's affine stored both as sform and as qform. Codes are copied from the
 * source header when it has them (> 0), else 1 (scanner anatomical).
 */
import { gzipSync } from 'fflate';
import type { Volume, VoxelArray } from '../../core/types/volume.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { datatypeOf } from './niftiDatatypes.ts';
import { affineToQform } from './niftiQuaternion.ts';
import type { NiftiVolume } from './readNifti.ts';

export interface WriteNiftiOptions {
  gzip?: boolean;
  /** up to 79 ASCII characters for the header's descrip field */
  description?: string;
  /** header fields for label maps */
  intentCode?: number;
  calRange?: readonly [number, number];
}

const VOX_OFFSET = 352;

function headerCodes(vol: Volume<VoxelArray> | NiftiVolume): { qform: number; sform: number } {
  const h = 'header' in vol ? vol.header : undefined;
  const q = h && h.qformCode > 0 ? h.qformCode : 0;
  const s = h && h.sformCode > 0 ? h.sformCode : 0;
  return { qform: q || s || 1, sform: s || q || 1 };
}

export function writeNifti(vol: Volume<VoxelArray> | NiftiVolume, opts: WriteNiftiOptions = {}): Uint8Array {
  const [nx, ny, nz] = vol.dims;
  const count = nx * ny * nz;
  if (vol.data.length !== count) {
    throw new FedsegError('NIFTI_WRITE_SHAPE', `writeNifti: expected ${count} voxels for ${vol.dims.join('x')}, found ${vol.data.length}`);
  }
  if (vol.affine.length !== 16 || !vol.affine.every(Number.isFinite)) {
    throw new FedsegError('NIFTI_WRITE_AFFINE', `writeNifti: expected a finite 4x4 affine, found [${vol.affine.join(', ')}]`);
  }
  const type = datatypeOf(vol.data);
  const out = new Uint8Array(VOX_OFFSET + count * type.bytes);
  const dv = new DataView(out.buffer);
  const le = true;
  dv.setInt32(0, 348, le);
  out[38] = 'r'.charCodeAt(0); // regular
  const dim = [3, nx, ny, nz, 1, 1, 1, 1];
  dim.forEach((d, i) => dv.setInt16(40 + 2 * i, d, le));
  dv.setInt16(68, opts.intentCode ?? 0, le);
  dv.setInt16(70, type.code, le);
  dv.setInt16(72, type.bytes * 8, le);
  const q = affineToQform(vol.affine);
  const pixdim = [q.pixdim[0], q.pixdim[1], q.pixdim[2], q.pixdim[3], 0, 0, 0, 0];
  pixdim.forEach((p, i) => dv.setFloat32(76 + 4 * i, p, le));
  dv.setFloat32(108, VOX_OFFSET, le);
  dv.setFloat32(112, 1, le); // scl_slope
  dv.setFloat32(116, 0, le); // scl_inter
  out[123] = 2 | 8; // mm, s
  if (opts.calRange) {
    dv.setFloat32(124, opts.calRange[1], le);
    dv.setFloat32(128, opts.calRange[0], le);
  }
  const desc = (opts.description ?? 'fedseg').slice(0, 79);
  for (let i = 0; i < desc.length; i++) out[148 + i] = desc.charCodeAt(i) & 0x7f;
  const codes = headerCodes(vol);
  dv.setInt16(252, codes.qform, le);
  dv.setInt16(254, codes.sform, le);
  q.quatern.forEach((v, i) => dv.setFloat32(256 + 4 * i, v, le));
  q.qoffset.forEach((v, i) => dv.setFloat32(268 + 4 * i, v, le));
  for (let i = 0; i < 12; i++) dv.setFloat32(280 + 4 * i, vol.affine[i]!, le);
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  // bytes 348..351: no extensions
  const src = new Uint8Array(vol.data.buffer, vol.data.byteOffset, count * type.bytes);
  out.set(src, VOX_OFFSET); // typed arrays are little endian on every platform fedseg runs on
  return opts.gzip ? gzipSync(out, { level: 6 }) : out;
}

/**
 * A BraTS label volume (values {0,1,2,4}) as uint8 NIfTI on the grid of `like` (its
 * dims and affine; header codes copied when `like` was read from NIfTI).
 */
export function writeNiftiLabels(labels: Uint8Array, like: Volume<VoxelArray> | NiftiVolume, opts: { gzip?: boolean } = {}): Uint8Array {
  const count = like.dims[0] * like.dims[1] * like.dims[2];
  if (labels.length !== count) {
    throw new FedsegError('NIFTI_WRITE_SHAPE', `writeNiftiLabels: expected ${count} labels for the ${like.dims.join('x')} grid, found ${labels.length}`);
  }
  const vol = { dims: like.dims, spacing: like.spacing, affine: like.affine, data: labels, ...('header' in like ? { header: like.header } : {}) };
  return writeNifti(vol as Volume<Uint8Array>, { ...opts, description: 'fedseg labels {0,1,2,4}', intentCode: 1002, calRange: [0, 4] });
}
