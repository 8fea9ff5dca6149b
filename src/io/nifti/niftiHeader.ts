/**
 * The NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers, either byte order, parsed into
 * one plain record. Layouts: https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h
 * and nifti2.h. Every failure is a FedsegError naming the file, what was expected and
 * what was found.
 */
import { FedsegError } from '../../core/util/errors.ts';

export interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** 348 or 540 */
  readonly headerSize: number;
  readonly datatype: number;
  readonly bitpix: number;
  /** dim[0..7] as stored */
  readonly dim: readonly number[];
  /** pixdim[0..7] as stored (pixdim[0] is qfac) */
  readonly pixdim: readonly number[];
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly calMin: number;
  readonly calMax: number;
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, quatern_c, quatern_d */
  readonly quatern: readonly [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z */
  readonly qoffset: readonly [number, number, number];
  /** srow_x, srow_y, srow_z: 12 numbers */
  readonly srow: readonly number[];
  readonly xyztUnits: number;
  readonly intentCode: number;
  readonly descrip: string;
}

function fail(code: string, fileName: string, what: string): never {
  throw new FedsegError(code, `${fileName}: ${what}`, { file: fileName });
}

function cString(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const c = bytes[offset + i]!;
    if (c === 0) break;
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : '?';
  }
  return s;
}

function magicText(bytes: Uint8Array, offset: number): string {
  return JSON.stringify(cString(bytes, offset, 4));
}

/** Reads the header at the start of `bytes` (already decompressed). */
export function parseNiftiHeader(bytes: Uint8Array, fileName: string): NiftiHeader {
  if (bytes.length < 348) {
    fail('NIFTI_TRUNCATED', fileName, `expected a NIfTI header of at least 348 bytes, found ${bytes.length} bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  const size = le === 348 || le === 540 ? le : be === 348 || be === 540 ? be : 0;
  if (size === 0) {
    fail(
      'NIFTI_BAD_MAGIC',
      fileName,
      `not a NIfTI file: expected header size 348 (NIfTI-1) or 540 (NIfTI-2) in the first 4 bytes, found ${le}`,
    );
  }
  const littleEndian = le === size;
  return size === 348 ? parseNifti1(bytes, dv, littleEndian, fileName) : parseNifti2(bytes, dv, littleEndian, fileName);
}

function parseNifti1(bytes: Uint8Array, dv: DataView, le: boolean, fileName: string): NiftiHeader {
  const magic = cString(bytes, 344, 4);
  if (magic === 'ni1') {
    fail('NIFTI_PAIR', fileName, 'expected a single-file NIfTI (.nii, magic "n+1"), found a header of a .hdr/.img pair ("ni1"); convert it to .nii');
  }
  if (magic !== 'n+1') {
    fail('NIFTI_BAD_MAGIC', fileName, `expected NIfTI-1 magic "n+1" at byte 344, found ${magicText(bytes, 344)} (Analyze 7.5 files are not read)`);
  }
  const i16 = (o: number) => dv.getInt16(o, le);
  const f32 = (o: number) => dv.getFloat32(o, le);
  const dim = Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i));
  const pixdim = Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i));
  return {
    version: 1,
    littleEndian: le,
    headerSize: 348,
    datatype: i16(70),
    bitpix: i16(72),
    dim,
    pixdim,
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    calMax: f32(124),
    calMin: f32(128),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
    xyztUnits: bytes[123]!,
    intentCode: i16(68),
    descrip: cString(bytes, 148, 80),
  };
}

function parseNifti2(bytes: Uint8Array, dv: DataView, le: boolean, fileName: string): NiftiHeader {
  if (bytes.length < 540) {
    fail('NIFTI_TRUNCATED', fileName, `expected a NIfTI-2 header of 540 bytes, found ${bytes.length} bytes`);
  }
  const magic = cString(bytes, 4, 4);
  if (magic === 'ni2') {
    fail('NIFTI_PAIR', fileName, 'expected a single-file NIfTI-2 (.nii, magic "n+2"), found a header of a .hdr/.img pair ("ni2"); convert it to .nii');
  }
  if (magic !== 'n+2') {
    fail('NIFTI_BAD_MAGIC', fileName, `expected NIfTI-2 magic "n+2" at byte 4, found ${magicText(bytes, 4)}`);
  }
  const i16 = (o: number) => dv.getInt16(o, le);
  const i32 = (o: number) => dv.getInt32(o, le);
  const i64 = (o: number) => Number(dv.getBigInt64(o, le));
  const f64 = (o: number) => dv.getFloat64(o, le);
  return {
    version: 2,
    littleEndian: le,
    headerSize: 540,
    datatype: i16(12),
    bitpix: i16(14),
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    xyztUnits: i32(500),
    intentCode: i32(504),
    descrip: cString(bytes, 240, 80),
  };
}

export interface NiftiExtension {
  readonly code: number;
  /** esize: bytes including its 8-byte head */
  readonly size: number;
}

/**
 * Lists the header extensions between the header and vox_offset (the data position is
 * vox_offset regardless). A malformed list ends the listing and is reported in `problem`.
 */
export function listExtensions(bytes: Uint8Array, h: NiftiHeader): { extensions: NiftiExtension[]; problem?: string } {
  const extensions: NiftiExtension[] = [];
  const start = h.headerSize;
  const end = Math.min(h.voxOffset, bytes.length);
  if (end < start + 4 || bytes[start] === 0) return { extensions };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = start + 4;
  while (p + 8 <= end) {
    const size = dv.getInt32(p, h.littleEndian);
    const code = dv.getInt32(p + 4, h.littleEndian);
    if (size < 8 || p + size > end) {
      return { extensions, problem: `header extension at byte ${p} claims ${size} bytes, but only ${end - p} remain before the voxel data` };
    }
    extensions.push({ code, size });
    p += size;
  }
  return { extensions };
}
