/**
 * 4x4 row-major matrices (affines): element (r, c) is m[4 * r + c]. Pure functions
 * returning new arrays.
 */
import type { Mat4, Vec3 } from '../types/volume.ts';
import { FedsegError } from '../util/errors.ts';

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** a * b */
export function multiply(a: Mat4, b: Mat4): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * r + k]! * b[4 * k + c]!;
      out[4 * r + c] = s;
    }
  }
  return out;
}

/** m applied to the point p (w = 1). */
export function applyToPoint(m: Mat4, p: Vec3): [number, number, number] {
  return [
    m[0]! * p[0] + m[1]! * p[1] + m[2]! * p[2] + m[3]!,
    m[4]! * p[0] + m[5]! * p[1] + m[6]! * p[2] + m[7]!,
    m[8]! * p[0] + m[9]! * p[1] + m[10]! * p[2] + m[11]!,
  ];
}

/** m's linear part applied to the direction v (w = 0). */
export function applyToVector(m: Mat4, v: Vec3): [number, number, number] {
  return [
    m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2],
    m[4]! * v[0] + m[5]! * v[1] + m[6]! * v[2],
    m[8]! * v[0] + m[9]! * v[1] + m[10]! * v[2],
  ];
}

/** Determinant of the upper-left 3x3 block. */
export function det3(m: Mat4): number {
  return (
    m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) -
    m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) +
    m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!)
  );
}

/** Inverse of an affine (last row 0 0 0 1); a singular matrix fails with AFFINE_SINGULAR. */
export function invertAffine(m: Mat4): number[] {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) {
    throw new FedsegError('AFFINE_SINGULAR', `expected an invertible affine, found determinant ${d} for [${m.join(', ')}]`);
  }
  const [a, b, c, , e, f, g, , h, i, j] = m as number[];
  const inv = [
    (f! * j! - g! * i!) / d, (c! * i! - b! * j!) / d, (b! * g! - c! * f!) / d, 0,
    (g! * h! - e! * j!) / d, (a! * j! - c! * h!) / d, (c! * e! - a! * g!) / d, 0,
    (e! * i! - f! * h!) / d, (b! * h! - a! * i!) / d, (a! * f! - b! * e!) / d, 0,
    0, 0, 0, 1,
  ];
  const t = applyToVector(inv, [m[3]!, m[7]!, m[11]!]);
  inv[3] = -t[0];
  inv[7] = -t[1];
  inv[11] = -t[2];
  return inv;
}

/** Column norms of the linear part: the voxel size along i, j, k. */
export function voxelSpacing(m: Mat4): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!)) as [number, number, number];
}

/** True when every element is finite and the linear part is invertible. */
export function isValidAffine(m: Mat4): boolean {
  if (m.length !== 16 || !m.every(Number.isFinite)) return false;
  const d = det3(m);
  return Number.isFinite(d) && Math.abs(d) > 1e-12;
}

/** Largest absolute element-wise difference. */
export function maxAbsDiff(a: Mat4, b: Mat4): number {
  let d = 0;
  for (let i = 0; i < 16; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** LPS+ (DICOM) <-> RAS+ (NIfTI): negate the first two rows. The map is its own inverse. */
export function lpsToRas(m: Mat4): number[] {
  return m.map((v, idx) => (idx < 8 ? -v : v));
}

export const rasToLps = lpsToRas;
