/**
 * Preprocessing of one case for the model (pure; Node and browser alike):
 * 1. the grid: the first sequence's (T1) grid reoriented to RAS order (exact axis
 *    permutation), resampled to `targetSpacing` mm (default 1) when its spacing differs
 *    by more than 1%;
 * 2. every sequence onto that grid (exact copy when it shares T1's grid, else trilinear),
 *    the label by nearest neighbour (BraTS 2023's 3 read as 4);
 * 3. z-score normalisation per sequence inside the brain mask (voxels where any sequence
 *    is non-zero; 0 outside);
 * 4. crop to the brain's bounding box plus a margin, padded with zeros so each axis is a
 *    multiple of the patch size (and at least one patch); the image kept as halves on the
 *    bounding box alone (TrainingCase.imageBox), the label on the whole crop.
 * `prepareCaseWithTransform` also returns the map that pastes a predicted label volume
 * back onto the first sequence's original grid (for export and review).
 */
import { applyToPoint, invertAffine, isValidAffine, maxAbsDiff, multiply, voxelSpacing } from '../core/geometry/mat4.ts';
import { orientationCode } from '../core/geometry/orientation.ts';
import { canonicalReorientation, reorientedAffine, reorientedDims, reorientData, type AxisReorientation } from '../core/geometry/reorient.ts';
import { resampleToGrid } from '../core/geometry/resampleToGrid.ts';
import type { ImagingCase, TrainingCase } from '../core/types/case.ts';
import { SEQUENCES, type Sequence } from '../core/types/sequences.ts';
import type { Dims3, Mat4, Volume, VoxelArray } from '../core/types/volume.ts';
import { FedsegError } from '../core/util/errors.ts';
import { toHalf } from '../core/util/halfFloat.ts';

export interface PrepareOptions {
  patchSize: number;
  /** mm; default 1 */
  targetSpacing?: number;
  /** voxels kept around the brain's bounding box; default 2 */
  margin?: number;
}

export interface PreparedCase {
  readonly case: TrainingCase;
  /** voxel -> RAS mm of the TrainingCase grid */
  readonly affine: Mat4;
  /** the first sequence's original grid */
  readonly sourceDims: Dims3;
  readonly sourceAffine: Mat4;
  /** where the TrainingCase grid starts on the (reoriented, resampled) case grid; may be negative (padding) */
  readonly cropStart: readonly [number, number, number];
  /** labels on the TrainingCase grid -> labels on the first sequence's original grid */
  toSource(labels: Uint8Array): Uint8Array;
}

interface Grid {
  readonly dims: Dims3;
  readonly affine: Mat4;
}

const SAME_GRID_TOLERANCE = 1e-4;
/** a sequence must cover at least this fraction of the case grid */
const MIN_OVERLAP = 0.5;

function sameGrid(a: Grid, b: Grid): boolean {
  return a.dims[0] === b.dims[0] && a.dims[1] === b.dims[1] && a.dims[2] === b.dims[2] && maxAbsDiff(a.affine, b.affine) < SAME_GRID_TOLERANCE;
}

function describeGrid(g: Grid): string {
  const o = applyToPoint(g.affine, [0, 0, 0]).map((v) => v.toFixed(1));
  const s = voxelSpacing(g.affine).map((v) => +v.toFixed(3));
  return `${g.dims.join('x')} ${orientationCode(g.affine)} at ${s.join('x')} mm, origin (${o.join(', ')})`;
}

/** Fraction of the target grid's box covered by the source grid's box (both in voxel-edge extents). */
function overlapFraction(source: Grid, target: Grid): number {
  const toTarget = multiply(invertAffine(target.affine), source.affine);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let c = 0; c < 8; c++) {
    const corner = [0, 1, 2].map((a) => ((c >> a) & 1 ? source.dims[a]! - 0.5 : -0.5)) as [number, number, number];
    const p = applyToPoint(toTarget, corner);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, p[a]!);
      hi[a] = Math.max(hi[a]!, p[a]!);
    }
  }
  let frac = 1;
  for (let a = 0; a < 3; a++) {
    const n = target.dims[a]!;
    const inter = Math.min(hi[a]!, n - 0.5) - Math.max(lo[a]!, -0.5);
    frac *= Math.max(0, inter) / n;
  }
  return frac;
}

/** a 1 mm grid of 512 x 512 x 256: far more than a head (BraTS: 240 x 240 x 155) */
const MAX_CASE_VOXELS = 64 * 2 ** 20;

/** Names the sequences whose values on the case grid are not finite (values beyond float32, NaN in the file). */
function nonFiniteError(caseId: string, channels: readonly Float32Array[], voxels: number): FedsegError {
  const which = SEQUENCES.filter((_, ch) => channels[ch]!.some((v) => !Number.isFinite(v)));
  return new FedsegError(
    'PREPARE_NONFINITE',
    `case ${caseId}: expected finite intensities, found ${voxels} voxel(s) with an infinite or NaN value in ${which.join(', ')} (values beyond float32's range, or NaN in the file)`,
  );
}

function checkVolume(v: Volume<VoxelArray>, what: string, caseId: string): void {
  const n = v.dims[0] * v.dims[1] * v.dims[2];
  if (v.data.length !== n) {
    throw new FedsegError('PREPARE_BAD_VOLUME', `case ${caseId}: ${what}: expected ${n} voxels for ${v.dims.join('x')}, found ${v.data.length}`);
  }
  if (!isValidAffine(v.affine)) {
    throw new FedsegError('PREPARE_BAD_VOLUME', `case ${caseId}: ${what}: expected an invertible finite affine, found [${v.affine.join(', ')}]`);
  }
}

/** The case grid: the reference reoriented, then resampled to the target spacing when needed. */
function caseGrid(ref: Grid, r: AxisReorientation, target: number): Grid {
  const dims = reorientedDims(ref.dims, r);
  const affine = reorientedAffine(ref.affine, ref.dims, r);
  const spacing = voxelSpacing(affine);
  if (spacing.every((s) => Math.abs(s - target) <= 0.01 * target)) return { dims, affine };
  // same field of view (voxel-edge extent), voxels of `target` mm, first voxel edge kept
  const nd = [0, 1, 2].map((a) => Math.max(1, Math.round((dims[a]! * spacing[a]!) / target))) as [number, number, number];
  const scale = [0, 1, 2].map((a) => target / spacing[a]!);
  // new index -> old index: old = scale * new + (scale - 1) / 2
  const t = [scale[0]!, 0, 0, (scale[0]! - 1) / 2, 0, scale[1]!, 0, (scale[1]! - 1) / 2, 0, 0, scale[2]!, (scale[2]! - 1) / 2, 0, 0, 0, 1];
  return { dims: nd, affine: multiply(affine, t) };
}

/** A volume's values on the case grid: exact reorientation when it shares the reference grid, else resampling. */
function ontoGrid<T extends VoxelArray>(
  v: Volume<T>, what: string, caseId: string, ref: Grid, r: AxisReorientation, grid: Grid, reorientOnly: boolean, mode: 'linear' | 'nearest',
): VoxelArray {
  if (reorientOnly && sameGrid(v, ref)) {
    return mode === 'linear' ? reorientData(v.data, v.dims, r, new Float32Array(v.data.length)) : reorientData(v.data, v.dims, r);
  }
  const frac = overlapFraction(v, grid);
  if (frac < MIN_OVERLAP) {
    throw new FedsegError(
      'PREPARE_GRID_MISMATCH',
      `case ${caseId}: expected ${what} to overlap ${SEQUENCES[0]}'s grid (${describeGrid(ref)}), found ${describeGrid(v)} covering ${(frac * 100).toFixed(0)}% of it; are the sequences co-registered?`,
    );
  }
  return resampleToGrid(v, grid.dims, grid.affine, mode).data;
}

export function prepareCaseWithTransform(c: ImagingCase, opts: PrepareOptions): PreparedCase {
  const patch = opts.patchSize;
  if (!Number.isInteger(patch) || patch < 1) {
    throw new FedsegError('PREPARE_OPTIONS', `prepareCase: expected a positive integer patch size, found ${patch}`);
  }
  const target = opts.targetSpacing ?? 1;
  if (!(target > 0)) throw new FedsegError('PREPARE_OPTIONS', `prepareCase: expected a positive target spacing, found ${target}`);
  const margin = opts.margin ?? 2;
  for (const s of SEQUENCES) {
    if (!c.images[s]) throw new FedsegError('PREPARE_MISSING_SEQUENCE', `case ${c.id}: expected sequences ${SEQUENCES.join(', ')}, found no ${s}`);
    checkVolume(c.images[s], s, c.id);
  }
  if (c.label) checkVolume(c.label, 'label', c.id);

  const refVol = c.images[SEQUENCES[0]];
  const ref: Grid = { dims: refVol.dims, affine: refVol.affine };
  const r = canonicalReorientation(ref.affine);
  const grid = caseGrid(ref, r, target);
  const gridVoxels = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (gridVoxels > MAX_CASE_VOXELS) {
    throw new FedsegError(
      'PREPARE_GRID_SIZE',
      `case ${c.id}: expected a head to fit a grid of at most ${MAX_CASE_VOXELS / 2 ** 20} M voxels of ${target} mm, found ${SEQUENCES[0]}'s field of view needs ${grid.dims.join('x')} (${describeGrid(ref)}); are its voxel sizes in mm?`,
    );
  }
  const reorientOnly = maxAbsDiff(grid.affine, reorientedAffine(ref.affine, ref.dims, r)) < SAME_GRID_TOLERANCE;
  const [nx, ny, nz] = grid.dims;
  const n = nx * ny * nz;

  // float32 on the case grid (resampling gives float32; exact copies are converted)
  const channels = SEQUENCES.map((s: Sequence) => ontoGrid(c.images[s], s, c.id, ref, r, grid, reorientOnly, 'linear') as Float32Array);
  let label: Uint8Array | undefined;
  if (c.label) {
    const raw = ontoGrid(c.label, 'the label', c.id, ref, r, grid, reorientOnly, 'nearest');
    const lab = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const v = raw[p]!;
      if (v === 0) continue;
      if (v === 1 || v === 2 || v === 4) lab[p] = v;
      else if (v === 3) lab[p] = 4;
      else {
        throw new FedsegError('PREPARE_BAD_LABEL', `case ${c.id}: expected label values 0, 1, 2, 4 (or 3 for enhancing tumour), found ${v}`);
      }
    }
    label = lab;
  }

  // brain mask, its bounding box, and per-channel statistics inside it (one pass)
  const [c0, c1, c2, c3] = channels as [Float32Array, Float32Array, Float32Array, Float32Array];
  const mask = new Uint8Array(n);
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  let count = 0;
  let nonFinite = 0;
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let rowLo = -1;
      let rowHi = -1;
      for (let i = 0; i < nx; i++, p++) {
        const a = c0[p]!, b = c1[p]!, c = c2[p]!, d = c3[p]!;
        if (a === 0 && b === 0 && c === 0 && d === 0) continue;
        // Inf - Inf and NaN - NaN are NaN: one test for the four values
        const sum = a + b + c + d;
        if (sum - sum !== 0) nonFinite++;
        mask[p] = 1;
        if (rowLo < 0) rowLo = i;
        rowHi = i;
        s0 += a; s1 += b; s2 += c; s3 += d;
        q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
        count++;
      }
      if (rowLo < 0) continue;
      if (rowLo < lo[0]!) lo[0] = rowLo;
      if (rowHi > hi[0]!) hi[0] = rowHi;
      if (j < lo[1]!) lo[1] = j;
      if (j > hi[1]!) hi[1] = j;
      if (k < lo[2]!) lo[2] = k;
      if (k > hi[2]!) hi[2] = k;
    }
  }
  if (nonFinite > 0) throw nonFiniteError(c.id, channels, nonFinite);
  if (count === 0) {
    throw new FedsegError('PREPARE_EMPTY', `case ${c.id}: expected a brain (non-zero voxels) in at least one sequence, found all four sequences zero everywhere`);
  }
  const sums = [s0, s1, s2, s3];
  const squares = [q0, q1, q2, q3];
  const mean = sums.map((x) => x / count);
  const scale = squares.map((x, ch) => {
    const m = mean[ch]!;
    const sd = Math.sqrt(Math.max(0, x / count - m * m));
    return sd > 1e-8 * Math.max(1, Math.abs(m)) ? 1 / sd : 1;
  });

  // crop box: brain bbox + margin, padded (centred) to a multiple of the patch size
  const start = [0, 0, 0];
  const odims = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const size = hi[a]! - lo[a]! + 1 + 2 * margin;
    const padded = Math.max(patch, Math.ceil(size / patch) * patch);
    start[a] = lo[a]! - margin - Math.floor((padded - size) / 2);
    odims[a] = padded;
  }
  const [ox, oy, oz] = odims as [number, number, number];
  // the labels on the whole crop (0 outside the case grid)
  const outLabel = label ? new Uint8Array(ox * oy * oz) : undefined;
  if (outLabel) {
    for (let k = 0, q = 0; k < oz; k++) {
      const gk = start[2]! + k;
      for (let j = 0; j < oy; j++) {
        const gj = start[1]! + j;
        const rowInside = gk >= 0 && gk < nz && gj >= 0 && gj < ny;
        for (let i = 0; i < ox; i++, q++) {
          const gi = start[0]! + i;
          if (rowInside && gi >= 0 && gi < nx) outLabel[q] = label![gi + nx * (gj + ny * gk)]!;
        }
      }
    }
  }
  // the image on the brain's bounding box only (TrainingCase.imageBox: the crop's margin and
  // padding are zeros, which readers supply), as halves; 0 outside the brain is the half 0
  const boxDims = [0, 1, 2].map((a) => hi[a]! - lo[a]! + 1) as [number, number, number];
  const [bx, by, bz] = boxDims;
  const image = new Uint16Array(bx * by * bz * 4);
  for (let k = 0, q = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      for (let i = 0, p = lo[0]! + nx * (lo[1]! + j + ny * (lo[2]! + k)); i < bx; i++, q++, p++) {
        if (!mask[p]) continue;
        const o = 4 * q;
        image[o] = toHalf((c0[p]! - mean[0]!) * scale[0]!);
        image[o + 1] = toHalf((c1[p]! - mean[1]!) * scale[1]!);
        image[o + 2] = toHalf((c2[p]! - mean[2]!) * scale[2]!);
        image[o + 3] = toHalf((c3[p]! - mean[3]!) * scale[3]!);
      }
    }
  }
  const imageBox = { start: [0, 1, 2].map((a) => lo[a]! - start[a]!) as [number, number, number], dims: boxDims };
  const affine = multiply(grid.affine, [1, 0, 0, start[0]!, 0, 1, 0, start[1]!, 0, 0, 1, start[2]!, 0, 0, 0, 1]);
  const spacing = voxelSpacing(affine);
  const trainingCase: TrainingCase = {
    id: c.id,
    dims: [ox, oy, oz],
    spacing,
    image,
    imageBox,
    ...(outLabel ? { label: outLabel } : {}),
  };
  return {
    case: trainingCase,
    affine,
    sourceDims: ref.dims,
    sourceAffine: ref.affine,
    cropStart: [start[0]!, start[1]!, start[2]!],
    toSource(labels: Uint8Array): Uint8Array {
      if (labels.length !== ox * oy * oz) {
        throw new FedsegError('PREPARE_BAD_LABEL', `case ${c.id}: expected ${ox * oy * oz} labels (${ox}x${oy}x${oz}) to paste back, found ${labels.length}`);
      }
      const vol: Volume<Uint8Array> = { dims: [ox, oy, oz], spacing, affine, data: labels };
      return resampleToGrid(vol, ref.dims, ref.affine, 'nearest').data;
    },
  };
}

export function prepareCase(c: ImagingCase, opts: PrepareOptions): TrainingCase {
  return prepareCaseWithTransform(c, opts).case;
}

