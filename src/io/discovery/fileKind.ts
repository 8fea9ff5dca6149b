/**
 * What kind of file a SourceFile is, from its first bytes (and its name where the bytes
 * cannot tell): NIfTI (plain or gzip), DICOM, or something else.
 */
import { baseName } from '../sourceFile.ts';
import type { SourceFile } from '../sourceFile.ts';

export type FileKind = 'nifti' | 'dicom' | 'other';

function isNiftiHeader(b: Uint8Array): boolean {
  if (b.length < 348) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = [v.getInt32(0, true), v.getInt32(0, false)];
  if (size.includes(348)) {
    const m = String.fromCharCode(b[344]!, b[345]!, b[346]!);
    return m === 'n+1' || m === 'ni1';
  }
  if (size.includes(540) && b.length >= 8) {
    const m = String.fromCharCode(b[4]!, b[5]!, b[6]!);
    return m === 'n+2' || m === 'ni2';
  }
  return false;
}

export function fileKind(file: SourceFile): FileKind {
  const b = new Uint8Array(file.bytes, 0, Math.min(file.bytes.byteLength, 352));
  const name = baseName(file.name);
  if (/\.nii(\.gz)?$/i.test(name)) return 'nifti';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'nifti'; // gzip: only NIfTI is read gzipped
  if (isNiftiHeader(b)) return 'nifti';
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return 'dicom';
  // DICOM files from scanners and PACS often have no extension, or .dcm/.ima
  if (/\.(dcm|dicom|ima)$/i.test(name) || !name.includes('.') || /^[0-9.]+$/.test(name)) return 'dicom';
  return 'other';
}
