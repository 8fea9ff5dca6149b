/**
 * Writes single-file NIfTI-1 (.nii, or .nii.gz with `gzip: true`), little endian. When
 * the volume carries the NIfTI header its affine was read from, that header's qform
 * (quaternion, qoffset, pixdim with qfac, code) and sform (rows, code) are copied
 * unchanged, so the output lies exactly where the source does in readers that prefer
 * the qform (ITK) as in those that prefer the sform. Otherwise (e.g. a volume from
 * DICOM) the affine is stored both as sform and as qform, with the header's codes when
 * it has them (> 0), else 1 (scanner anatomical).
 */
import { gzipSync } from 'fflate';
import type { Volume, VolumePlacement, VoxelArray } from '../../core/types/volume.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { chooseAffine } from './niftiAffine.ts';
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

/** The qform and sform fields as written. */
interface Geometry {
  readonly qformCode: number;
  readonly sformCode: number;
  readonly quatern: readonly number[];
  readonly qoffset: readonly number[];
  /** pixdim[0..3]: qfac, dx, dy, dz */
  readonly pixdim: readonly number[];
  /** srow_x, srow_y, srow_z */
  readonly srow: readonly number[];
}

/**
 * The source header's qform and sform when the volume's affine is still the one that
 * header gives (the volume was not moved or resampled since it was read), else both
 * computed from the affine.
 */
function geometryOf(vol: Volume<VoxelArray> | NiftiVolume): Geometry {
  const h = 'header' in vol ? vol.header : undefined;
  if (h && chooseAffine(h, vol.dims).affine.every((x, i) => x === vol.affine[i])) {
    return { qformCode: h.qformCode, sformCode: h.sformCode, quatern: h.quatern, qoffset: h.qoffset, pixdim: h.pixdim.slice(0, 4), srow: h.srow.slice(0, 12) };
  }
  const q = affineToQform(vol.affine);
  const codes = headerCodes(vol);
  return { qformCode: codes.qform, sformCode: codes.sform, quatern: q.quatern, qoffset: q.qoffset, pixdim: q.pixdim, srow: vol.affine.slice(0, 12) };
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
  const g = geometryOf(vol);
  const pixdim = [g.pixdim[0]!, g.pixdim[1]!, g.pixdim[2]!, g.pixdim[3]!, 0, 0, 0, 0];
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
  dv.setInt16(252, g.qformCode, le);
  dv.setInt16(254, g.sformCode, le);
  g.quatern.forEach((v, i) => dv.setFloat32(256 + 4 * i, v, le));
  g.qoffset.forEach((v, i) => dv.setFloat32(268 + 4 * i, v, le));
  g.srow.forEach((v, i) => dv.setFloat32(280 + 4 * i, v, le));
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  // bytes 348..351: no extensions
  const src = new Uint8Array(vol.data.buffer, vol.data.byteOffset, count * type.bytes);
  out.set(src, VOX_OFFSET); // typed arrays are little endian on every platform fedseg runs on
  return opts.gzip ? gzipSync(out, { level: 6 }) : out;
}

/**
 * A BraTS label volume (values {0,1,2,4}) as uint8 NIfTI on the grid of `like` (its
 * dims and affine; its qform and sform copied when `like` was read from NIfTI).
 */
/** What a label file copies of the scan it lies on: where its voxels lie and, when read from NIfTI, the header (not the voxels). */
export type LabelGrid = VolumePlacement & { readonly header?: NiftiVolume['header'] };

export function writeNiftiLabels(labels: Uint8Array, like: LabelGrid, opts: { gzip?: boolean; modelHash?: string } = {}): Uint8Array {
  const count = like.dims[0] * like.dims[1] * like.dims[2];
  if (labels.length !== count) {
    throw new FedsegError('NIFTI_WRITE_SHAPE', `writeNiftiLabels: expected ${count} labels for the ${like.dims.join('x')} grid, found ${labels.length}`);
  }
  const vol = { dims: like.dims, spacing: like.spacing, affine: like.affine, data: labels, ...(like.header ? { header: like.header } : {}) };
  // descrip holds 79 characters: the model as its hash's first 16 digits
  const description = `fedseg labels {0,1,2,4}${opts.modelHash ? ` by global model ${opts.modelHash.slice(0, 16)}` : ''}`;
  return writeNifti(vol as Volume<Uint8Array>, { ...(opts.gzip !== undefined ? { gzip: opts.gzip } : {}), description, intentCode: 1002, calRange: [0, 4] });
}
