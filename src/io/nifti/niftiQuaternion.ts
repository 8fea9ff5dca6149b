/**
 * Affine -> NIfTI qform parameters (quaternion b, c, d; qoffset; pixdim with qfac), as
 * nifti1_io's nifti_mat44_to_quatern: the rotation is the orthonormalised linear part
 * (columns divided by their norms, then made orthogonal), a left-handed grid gives
 * qfac = -1 with the third column negated.
 */
import type { Mat4 } from '../../core/types/volume.ts';

export interface Qform {
  readonly quatern: [number, number, number];
  readonly qoffset: [number, number, number];
  /** pixdim[0..3]: qfac, dx, dy, dz */
  readonly pixdim: [number, number, number, number];
}

export function affineToQform(m: Mat4): Qform {
  // columns of the linear part
  const col = [0, 1, 2].map((c) => [m[c]!, m[4 + c]!, m[8 + c]!]);
  const size = col.map((v) => Math.hypot(v[0]!, v[1]!, v[2]!));
  const unit = col.map((v, c) => (size[c]! > 0 ? v.map((x) => x / size[c]!) : [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0]));
  // Gram-Schmidt, then the third column from the cross product's sign
  const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const norm = (a: number[]) => {
    const l = Math.hypot(a[0]!, a[1]!, a[2]!) || 1;
    return a.map((x) => x / l);
  };
  const u0 = unit[0]!;
  const u1 = norm(unit[1]!.map((x, i) => x - dot(unit[1]!, u0) * u0[i]!));
  let u2 = unit[2]!.map((x, i) => x - dot(unit[2]!, u0) * u0[i]! - dot(unit[2]!, u1) * u1[i]!);
  u2 = norm(u2);
  const cross = [u0[1]! * u1[2]! - u0[2]! * u1[1]!, u0[2]! * u1[0]! - u0[0]! * u1[2]!, u0[0]! * u1[1]! - u0[1]! * u1[0]!];
  const qfac = dot(cross, u2) < 0 ? -1 : 1;
  if (qfac < 0) u2 = u2.map((x) => -x);
  // r[row][col]
  const r = [0, 1, 2].map((row) => [u0[row]!, u1[row]!, u2[row]!]);
  const r11 = r[0]![0]!, r12 = r[0]![1]!, r13 = r[0]![2]!;
  const r21 = r[1]![0]!, r22 = r[1]![1]!, r23 = r[1]![2]!;
  const r31 = r[2]![0]!, r32 = r[2]![1]!, r33 = r[2]![2]!;
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return {
    quatern: [b, c, d],
    qoffset: [m[3]!, m[7]!, m[11]!],
    pixdim: [qfac, size[0]! || 1, size[1]! || 1, size[2]! || 1],
  };
}
