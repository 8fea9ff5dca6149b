/**
 * The voxel-to-RAS affine of a NIfTI header, chosen as nibabel does: the sform when
 * sform_code > 0, else the qform (quaternion) when qform_code > 0, else the "base"
 * affine (pixdim on the diagonal, x flipped, origin at the grid centre). An sform that
 * is not finite or not invertible falls back to the qform, with a warning.
 */
import { isValidAffine } from '../../core/geometry/mat4.ts';
import type { Mat4 } from '../../core/types/volume.ts';
import type { NiftiHeader } from './niftiHeader.ts';

export type AffineSource = 'sform' | 'qform' | 'base';

function zoom(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : 1;
}

/** qform affine from quaternion, pixdim and qoffset (nifti1_io's quatern_to_mat44). */
export function qformAffine(h: Pick<NiftiHeader, 'quatern' | 'qoffset' | 'pixdim'>): number[] {
  let [b, c, d] = h.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else a = Math.sqrt(a);
  const qfac = (h.pixdim[0] ?? 1) < 0 ? -1 : 1;
  const dx = zoom(h.pixdim[1]);
  const dy = zoom(h.pixdim[2]);
  const dz = zoom(h.pixdim[3]) * qfac;
  return [
    (a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * dz, h.qoffset[0],
    2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * dz, h.qoffset[1],
    2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * dz, h.qoffset[2],
    0, 0, 0, 1,
  ];
}

/** The sform affine rows as stored. */
export function sformAffine(h: Pick<NiftiHeader, 'srow'>): number[] {
  return [...h.srow.slice(0, 12), 0, 0, 0, 1];
}

/** nibabel's base affine: diag(-dx, dy, dz) with the grid centre at the origin. */
export function baseAffine(h: Pick<NiftiHeader, 'pixdim'>, dims: readonly [number, number, number]): number[] {
  const z = [-zoom(h.pixdim[1]), zoom(h.pixdim[2]), zoom(h.pixdim[3])];
  return [
    z[0]!, 0, 0, -z[0]! * ((dims[0] - 1) / 2),
    0, z[1]!, 0, -z[1]! * ((dims[1] - 1) / 2),
    0, 0, z[2]!, -z[2]! * ((dims[2] - 1) / 2),
    0, 0, 0, 1,
  ];
}

export function chooseAffine(
  h: NiftiHeader,
  dims: readonly [number, number, number],
): { affine: Mat4; source: AffineSource; warnings: string[] } {
  const warnings: string[] = [];
  if (h.sformCode > 0) {
    const s = sformAffine(h);
    if (isValidAffine(s)) return { affine: s, source: 'sform', warnings };
    warnings.push(`sform (code ${h.sformCode}) is not a finite invertible affine; used the ${h.qformCode > 0 ? 'qform' : 'pixdim diagonal'} instead`);
  }
  if (h.qformCode > 0) {
    const q = qformAffine(h);
    if (isValidAffine(q)) return { affine: q, source: 'qform', warnings };
    warnings.push(`qform (code ${h.qformCode}) is not a finite invertible affine; used the pixdim diagonal instead`);
  }
  if ([1, 2, 3].some((i) => zoom(h.pixdim[i]) !== h.pixdim[i])) {
    warnings.push(`pixdim [${h.pixdim.slice(1, 4).join(', ')}] has non-positive or non-finite sizes; read them as 1 mm`);
  }
  const base = baseAffine(h, dims);
  if (isValidAffine(base)) return { affine: base, source: 'base', warnings };
  warnings.push(`pixdim [${h.pixdim.slice(1, 4).join(', ')}] gives no finite affine; used 1 mm voxels`);
  return { affine: baseAffine({ pixdim: [1, 1, 1, 1] }, dims), source: 'base', warnings };
}

/** NIfTI spatial units (xyzt_units & 7): 1 metre, 2 mm, 3 micrometre; 0 (unknown) is read as mm. */
const SPATIAL_UNITS: Record<number, { name: string; mm: number }> = { 1: { name: 'metres', mm: 1000 }, 3: { name: 'micrometres', mm: 1e-3 } };

/**
 * The affine in millimetres, as ITK reads NIfTI: a header whose xyzt_units says metres
 * or micrometres has its world coordinates scaled (nibabel leaves them as stored).
 */
export function affineInMillimetres(affine: Mat4, xyztUnits: number): { affine: Mat4; warning?: string } {
  const unit = SPATIAL_UNITS[xyztUnits & 7];
  if (!unit) return { affine };
  const scaled = affine.map((v, i) => (i < 12 ? v * unit.mm : v)) as Mat4;
  return { affine: scaled, warning: `its spatial units are ${unit.name} (xyzt_units ${xyztUnits}): read in mm` };
}
