/**
 * Builds NIfTI-1/NIfTI-2 files byte by byte, in either byte order, independently of
 * writeNifti: for tests of the reader (big-endian, NIfTI-2, extensions, odd headers).
 */
import { gzipSync } from 'fflate';

export interface TestNiftiSpec {
  version?: 1 | 2;
  littleEndian?: boolean;
  /** NIfTI datatype code; default 16 (float32) */
  datatype?: number;
  /** dim[1..]: e.g. [4, 3, 2] or [4, 3, 2, 1] */
  dims: readonly number[];
  values: readonly number[];
  pixdim?: readonly number[]; // pixdim[0..3]
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: readonly [number, number, number];
  qoffset?: readonly [number, number, number];
  srow?: readonly number[];
  /** xyzt_units; default 10 (mm, s) */
  xyztUnits?: number;
  /** extension payloads (each padded to a multiple of 16 with its 8-byte head) */
  extensions?: readonly { code: number; bytes: Uint8Array }[];
}

const BYTES: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 256: 1, 512: 2, 768: 4 };

function writeValue(dv: DataView, o: number, dt: number, v: number, le: boolean): void {
  switch (dt) {
    case 2: dv.setUint8(o, v); break;
    case 256: dv.setInt8(o, v); break;
    case 4: dv.setInt16(o, v, le); break;
    case 512: dv.setUint16(o, v, le); break;
    case 8: dv.setInt32(o, v, le); break;
    case 768: dv.setUint32(o, v, le); break;
    case 16: dv.setFloat32(o, v, le); break;
    case 64: dv.setFloat64(o, v, le); break;
    default: throw new Error(`buildTestNifti: datatype ${dt} not supported`);
  }
}

export function buildTestNifti(spec: TestNiftiSpec): Uint8Array {
  const v2 = spec.version === 2;
  const le = spec.littleEndian ?? true;
  const dt = spec.datatype ?? 16;
  const hsize = v2 ? 540 : 348;
  const exts = spec.extensions ?? [];
  const extBytes = exts.reduce((s, e) => s + Math.ceil((e.bytes.length + 8) / 16) * 16, 0);
  const voxOffset = Math.ceil((hsize + 4 + extBytes) / 16) * 16;
  const out = new Uint8Array(voxOffset + spec.values.length * BYTES[dt]!);
  const dv = new DataView(out.buffer);
  const dim = [spec.dims.length, ...spec.dims];
  while (dim.length < 8) dim.push(1);
  const pixdim = [...(spec.pixdim ?? [1, 1, 1, 1])];
  while (pixdim.length < 8) pixdim.push(0);
  const srow = spec.srow ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  const quatern = spec.quatern ?? [0, 0, 0];
  const qoffset = spec.qoffset ?? [0, 0, 0];
  dv.setInt32(0, hsize, le);
  if (!v2) {
    dim.forEach((d, i) => dv.setInt16(40 + 2 * i, d, le));
    dv.setInt16(70, dt, le);
    dv.setInt16(72, BYTES[dt]! * 8, le);
    pixdim.forEach((p, i) => dv.setFloat32(76 + 4 * i, p, le));
    dv.setFloat32(108, voxOffset, le);
    dv.setFloat32(112, spec.sclSlope ?? 1, le);
    dv.setFloat32(116, spec.sclInter ?? 0, le);
    out[123] = spec.xyztUnits ?? 10;
    dv.setInt16(252, spec.qformCode ?? 0, le);
    dv.setInt16(254, spec.sformCode ?? 0, le);
    quatern.forEach((q, i) => dv.setFloat32(256 + 4 * i, q, le));
    qoffset.forEach((q, i) => dv.setFloat32(268 + 4 * i, q, le));
    srow.forEach((s, i) => dv.setFloat32(280 + 4 * i, s, le));
    out.set([0x6e, 0x2b, 0x31, 0], 344);
  } else {
    out.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
    dv.setInt16(12, dt, le);
    dv.setInt16(14, BYTES[dt]! * 8, le);
    dim.forEach((d, i) => dv.setBigInt64(16 + 8 * i, BigInt(d), le));
    pixdim.forEach((p, i) => dv.setFloat64(104 + 8 * i, p, le));
    dv.setBigInt64(168, BigInt(voxOffset), le);
    dv.setFloat64(176, spec.sclSlope ?? 1, le);
    dv.setFloat64(184, spec.sclInter ?? 0, le);
    dv.setInt32(344, spec.qformCode ?? 0, le);
    dv.setInt32(348, spec.sformCode ?? 0, le);
    quatern.forEach((q, i) => dv.setFloat64(352 + 8 * i, q, le));
    qoffset.forEach((q, i) => dv.setFloat64(376 + 8 * i, q, le));
    srow.forEach((s, i) => dv.setFloat64(400 + 8 * i, s, le));
    dv.setInt32(500, spec.xyztUnits ?? 10, le);
  }
  if (exts.length > 0) {
    out[hsize] = 1;
    let p = hsize + 4;
    for (const e of exts) {
      const size = Math.ceil((e.bytes.length + 8) / 16) * 16;
      dv.setInt32(p, size, le);
      dv.setInt32(p + 4, e.code, le);
      out.set(e.bytes, p + 8);
      p += size;
    }
  }
  spec.values.forEach((v, i) => writeValue(dv, voxOffset + i * BYTES[dt]!, dt, v, le));
  return out;
}

/** gzip members, concatenated (as bgzip and pigz write them), and where each ends */
export function gzipMembers(parts: readonly Uint8Array[]): { bytes: Uint8Array; ends: number[] } {
  const members = parts.map((p) => gzipSync(p));
  const bytes = new Uint8Array(members.reduce((s, m) => s + m.length, 0));
  const ends: number[] = [];
  let o = 0;
  for (const m of members) {
    bytes.set(m, o);
    ends.push((o += m.length));
  }
  return { bytes, ends };
}

/** noisy float32 voxels: the compressed file spans many 16 KiB input slices */
export function noisyNifti(): Uint8Array {
  return buildTestNifti({ dims: [40, 40, 40], values: Array.from({ length: 64000 }, (_, i) => Math.round(Math.sin(i * 12.9898) * 43758.5453) % 1000) });
}
