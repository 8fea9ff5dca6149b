import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyToPoint, invertAffine, multiply } from '../core/geometry/mat4.ts';
import { orientationCode } from '../core/geometry/orientation.ts';
import { getSiteProfile } from '../core/synthetic/siteProfiles.ts';
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import type { ImagingCase } from '../core/types/case.ts';
import { SEQUENCES, type Sequence } from '../core/types/sequences.ts';
import type { Volume, VoxelArray } from '../core/types/volume.ts';
import { FedsegError } from '../core/util/errors.ts';
import { wholeGridImage } from '../core/train/caseImage.ts';
import { fromHalf, halvesToFloat32 } from '../core/util/halfFloat.ts';
import { readNifti } from './nifti/readNifti.ts';
import { prepareCase, prepareCaseWithTransform } from './prepareCase.ts';
import { sharedData } from '../node/sharedData.ts';

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The same volume stored flipped along x and y (LPS order, as BraTS and DICOM store it). */
function toLps<T extends VoxelArray>(v: Volume<T>): Volume<T> {
  const [nx, ny, nz] = v.dims;
  const data = new (v.data.constructor as new (n: number) => T)(v.data.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    data[nx - 1 - i + nx * (ny - 1 - j + ny * k)] = v.data[i + nx * (j + ny * k)]!;
  }
  const flip = [-1, 0, 0, nx - 1, 0, -1, 0, ny - 1, 0, 0, 1, 0, 0, 0, 0, 1];
  return { dims: v.dims, spacing: v.spacing, affine: multiply(v.affine, flip), data };
}

function mapCase(c: ImagingCase, f: <T extends VoxelArray>(v: Volume<T>, s: Sequence | 'label') => Volume<T>): ImagingCase {
  const images = {} as Record<Sequence, Volume>;
  for (const s of SEQUENCES) images[s] = f(c.images[s], s);
  return { id: c.id, images, ...(c.label ? { label: f(c.label, 'label') } : {}) };
}

describe('prepareCase', () => {
  const src = syntheticCase({ seed: 12, size: 32 });

  it('crops to the brain, pads to the patch multiple, z-scores inside the brain, keeps the label aligned', () => {
    const p = prepareCaseWithTransform(src, { patchSize: 16 });
    const t = p.case;
    expect(t.dims.every((d) => d % 16 === 0 && d >= 16)).toBe(true);
    expect(t.image).toBeInstanceOf(Uint16Array); // halves: 8 bytes a voxel, not 16
    expect(t.spacing).toEqual([1, 1, 1]);
    // the image holds the brain's bounding box alone: a brain voxel on each of its six faces
    const box = t.imageBox!;
    const [bx, by, bz] = box.dims;
    expect(t.image.length).toBe(bx * by * bz * 4);
    expect([0, 1, 2].every((a) => box.start[a]! >= 2 && box.start[a]! + box.dims[a]! <= t.dims[a]! - 2)).toBe(true); // inside the margin
    const onFace = [false, false, false, false, false, false];
    for (let k = 0, q = 0; k < bz; k++) for (let j = 0; j < by; j++) for (let i = 0; i < bx; i++, q++) {
      if (![0, 1, 2, 3].some((ch) => t.image[4 * q + ch] !== 0)) continue;
      [i === 0, i === bx - 1, j === 0, j === by - 1, k === 0, k === bz - 1].forEach((f, n) => (onFace[n] ||= f));
    }
    expect(onFace).toEqual([true, true, true, true, true, true]);
    // per-channel mean 0 and sd 1 over the brain (non-zero voxels), read from the halves
    const image = halvesToFloat32(wholeGridImage(t));
    for (let ch = 0; ch < 4; ch++) {
      let s = 0, s2 = 0, n = 0;
      for (let q = 0; q < t.label!.length; q++) {
        const v = image[4 * q + ch]!;
        const inBrain = image[4 * q] !== 0 || image[4 * q + 1] !== 0 || image[4 * q + 2] !== 0 || image[4 * q + 3] !== 0;
        if (!inBrain) continue;
        s += v; s2 += v * v; n++;
      }
      expect(s / n).toBeCloseTo(0, 3);
      expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 3);
    }
    // every output voxel carries the label of the source voxel at the same world position
    const toSrc = multiply(invertAffine(src.label!.affine), p.affine);
    let tumour = 0;
    for (let q = 0; q < t.label!.length; q++) {
      const ijk = [q % t.dims[0], Math.floor(q / t.dims[0]) % t.dims[1], Math.floor(q / (t.dims[0] * t.dims[1]))] as const;
      const [i, j, k] = applyToPoint(toSrc, ijk).map(Math.round) as [number, number, number];
      const inside = i >= 0 && j >= 0 && k >= 0 && i < 32 && j < 32 && k < 32;
      const want = inside ? src.label!.data[i + 32 * (j + 32 * k)]! : 0;
      if (t.label![q] !== want) throw new Error(`label mismatch at ${ijk}`);
      if (want) tumour++;
    }
    let srcTumour = 0;
    for (const v of src.label!.data) if (v) srcTumour++;
    expect(tumour).toBe(srcTumour);
    expect(firstDifference(p.toSource(t.label!), src.label!.data)).toBe(-1);
  });

  it('gives the same TrainingCase for an LPS-stored copy (exact reorientation), and pastes back onto the LPS grid', () => {
    const lps = mapCase(src, (v) => toLps(v));
    expect(orientationCode(lps.images.t1.affine)).toBe('LPS');
    const a = prepareCaseWithTransform(src, { patchSize: 16 });
    const b = prepareCaseWithTransform(lps, { patchSize: 16 });
    expect(b.case.dims).toEqual(a.case.dims);
    expect(firstDifference(b.case.image, a.case.image)).toBe(-1);
    expect(firstDifference(b.case.label!, a.case.label!)).toBe(-1);
    expect(firstDifference(b.toSource(b.case.label!), lps.label!.data)).toBe(-1);
  });

  it('resamples a 2 mm-slice grid to 1 mm and other sequences from their own grids', () => {
    // T1 and the label at 1x1x2 mm (every other slice); the rest stay at 1 mm
    const thick = mapCase(src, (v, s) => {
      if (s !== 't1' && s !== 'label') return v;
      const [nx, ny] = v.dims;
      const nz = 16;
      const data = new (v.data.constructor as new (n: number) => typeof v.data)(nx * ny * nz);
      for (let k = 0; k < nz; k++) data.set(v.data.subarray(nx * ny * 2 * k, nx * ny * (2 * k + 1)), nx * ny * k);
      const affine = multiply(v.affine, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
      return { dims: [nx, ny, nz], spacing: [1, 1, 2], affine, data };
    });
    const p = prepareCaseWithTransform(thick, { patchSize: 8 });
    expect(p.case.spacing).toEqual([1, 1, 1]);
    expect(p.case.dims.every((d) => d % 8 === 0)).toBe(true);
    const labels = new Set(p.case.label);
    expect([...labels].sort()).toEqual([0, 1, 2, 4]);
    expect(p.toSource(p.case.label!).length).toBe(32 * 32 * 16);
  });

  it('removes a linear change of scanner units (scale, offset) but not a protocol’s tissue contrast', () => {
    const base = { ...getSiteProfile('academic-3t'), noise: 0.02, biasField: 0 };
    const prep = (profile: typeof base) => prepareCase(syntheticCase({ seed: 4, size: 24, profile }), { patchSize: 16 });
    const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    /** mean z-score of the enhancing rim (label 4) on T1Gd (channel 1) */
    const rimT1Gd = (c: ReturnType<typeof prep>) => {
      const image = wholeGridImage(c);
      let s = 0;
      let n = 0;
      c.label!.forEach((l, v) => {
        if (l === 4) (s += fromHalf(image[v * 4 + 1]!)), n++;
      });
      return s / n;
    };
    const reference = prep(base);
    const units = prep({ ...base, intensityScale: 2500, intensityOffset: 300 });
    const protocol = prep({ ...base, protocol: getSiteProfile('small-clinic').protocol });
    // equal up to the halves' rounding (a step of 2^-9 at |z| near 4); a change of units not removed differs by whole z-units
    expect(maxAbsDiff(halvesToFloat32(units.image), halvesToFloat32(reference.image))).toBeLessThan(1e-2);
    expect(rimT1Gd(reference)).toBeGreaterThan(2);
    expect(rimT1Gd(reference) - rimT1Gd(protocol)).toBeGreaterThan(0.5);
  });

  it('refuses sequences that do not overlap, naming them', () => {
    const moved = mapCase(src, (v, s) => (s === 'flair' ? { ...v, affine: multiply([1, 0, 0, 500, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], v.affine) } : v));
    let err: unknown;
    try {
      prepareCase(moved, { patchSize: 16 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FedsegError);
    expect((err as FedsegError).code).toBe('PREPARE_GRID_MISMATCH');
    expect((err as FedsegError).message).toMatch(/expected flair to overlap t1's grid .* covering 0%/);
  });

  it('refuses an all-zero case, bad labels, and bad options', () => {
    const zero = mapCase(src, (v) => ({ ...v, data: new (v.data.constructor as new (n: number) => typeof v.data)(v.data.length) }));
    expect(() => prepareCase(zero, { patchSize: 16 })).toThrow(/found all four sequences zero everywhere/);
    const badLabel = mapCase(src, (v, s) => (s === 'label' ? ({ ...v, data: (v.data as Uint8Array).map((x) => (x === 2 ? 7 : x)) } as typeof v) : v));
    expect(() => prepareCase(badLabel, { patchSize: 16 })).toThrow(/found 7/);
    expect(() => prepareCase(src, { patchSize: 0 })).toThrow(/positive integer patch size/);
  });

  it('refuses infinite or NaN intensities, naming the sequences, rather than training on them', () => {
    const withInf = mapCase(src, (v, s) => {
      if (s !== 't2' && s !== 'flair') return v;
      const data = Float32Array.from(v.data as ArrayLike<number>);
      data[(data.length >> 1) + (s === 't2' ? 0 : 1)] = s === 't2' ? Infinity : NaN;
      return { ...v, data } as unknown as typeof v;
    });
    expect(() => prepareCase(withInf, { patchSize: 16 })).toThrow(
      expect.objectContaining({ code: 'PREPARE_NONFINITE', message: expect.stringMatching(/^case .*: expected finite intensities, found 2 voxel\(s\) with an infinite or NaN value in t2, flair/) }),
    );
  });

  it('refuses a field of view far larger than a head (voxel sizes in micrometres read as mm) before allocating it', () => {
    const huge = mapCase(src, (v) => ({ ...v, spacing: [1000, 1000, 1000], affine: multiply([1000, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 1], v.affine) }));
    expect(() => prepareCase(huge, { patchSize: 16 })).toThrow(
      expect.objectContaining({ code: 'PREPARE_GRID_SIZE', message: expect.stringMatching(/expected a head to fit a grid of at most 64 M voxels of 1 mm, found t1's field of view needs 32000x32000x32000 .* are its voxel sizes in mm\?$/) }),
    );
  });

  it('prepares the real BraTS case (LPS, 240x240x155) and pastes its label back exactly', () => {
    const dir = sharedData('brats', 'BraTS19_TCIA08_105_1_');
    const read = (f: string) => readNifti(readFileSync(`${dir}${f}.nii.gz`), `${f}.nii.gz`);
    const images = {} as Record<Sequence, Volume<VoxelArray>>;
    for (const s of SEQUENCES) images[s] = read(s);
    const label = read('seg_GroundTruth');
    const c: ImagingCase = { id: 'TCIA08_105', images: images as unknown as Record<Sequence, Volume>, label: label as Volume<Uint8Array> };
    const p = prepareCaseWithTransform(c, { patchSize: 64 });
    expect(p.case.dims.every((d) => d % 64 === 0)).toBe(true);
    expect(p.case.dims.every((d, a) => d <= [256, 256, 192][a]!)).toBe(true);
    expect(orientationCode(p.affine)).toBe('RAS');
    expect(firstDifference(p.toSource(p.case.label!), label.data)).toBe(-1);
  });
});
