import { describe, expect, it } from 'vitest';
import type { ImageBox, TrainingCase } from '../types/case.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { caseImageBox, checkCaseImage, wholeGridImage } from './caseImage.ts';
import { extractPatch } from './extractPatch.ts';
import { PatchSampler } from './patchSampler.ts';
import { sphereCase } from './sphereCase.ts';

/** The same case twice: its image zeroed outside `box` on the whole grid, and holding only `box`. */
function wholeAndBoxed(c: TrainingCase, box: ImageBox): { whole: TrainingCase; boxed: TrainingCase } {
  const [nx, ny, nz] = c.dims;
  const { start: [sx, sy, sz], dims: [bx, by, bz] } = box;
  const whole = new Uint16Array(c.image.length);
  const inner = new Uint16Array(bx * by * bz * 4);
  for (let z = 0, q = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    if (x < sx || x >= sx + bx || y < sy || y >= sy + by || z < sz || z >= sz + bz) continue;
    const v = x + nx * (y + ny * z);
    for (let ch = 0; ch < 4; ch++) whole[v * 4 + ch] = inner[q * 4 + ch] = c.image[v * 4 + ch]!;
    q++;
  }
  return { whole: { ...c, image: whole }, boxed: { ...c, image: inner, imageBox: box } };
}

/** The float32s' bits, so that 0 and -0 (or two NaNs) differ as they would on the GPU. */
const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('TrainingCase.imageBox', () => {
  const c = sphereCase({ seed: 4, dims: [20, 18, 22], radius: 6 });
  const box: ImageBox = { start: [3, 2, 5], dims: [13, 11, 9] };
  const { whole, boxed } = wholeAndBoxed(c, box);

  it('reads in every window exactly as the whole-grid image it stands for, augmentation included', () => {
    const rng = new Rng(7);
    const p = 12;
    const a = new Float32Array(p ** 3 * 4);
    const b = new Float32Array(p ** 3 * 4);
    const la = new Uint8Array(p ** 3);
    const lb = new Uint8Array(p ** 3);
    for (let t = 0; t < 200; t++) {
      // windows inside, across the box's faces, and running off the grid (negative starts too)
      const start = [0, 1, 2].map((ax) => rng.int(-p + 1, c.dims[ax]!)) as [number, number, number];
      const flip = [0, 1, 2].map(() => rng.next() < 0.5) as [boolean, boolean, boolean];
      const scale = [0, 1, 2, 3].map(() => rng.uniform(0.9, 1.1));
      const shift = [0, 1, 2, 3].map(() => rng.uniform(-0.1, 0.1));
      extractPatch(whole, { start, size: p, flip, scale, shift }, a, 0, la);
      extractPatch(boxed, { start, size: p, flip, scale, shift }, b, 0, lb);
      expect(bits(b)).toEqual(bits(a));
      expect(lb).toEqual(la);
    }
    // the shift reaches the zeros of the grid outside the box, as it did the padding held as zeros
    extractPatch(boxed, { start: [0, 0, 0], size: 2, shift: [0.5, 0.5, 0.5, 0.5] }, a);
    expect(a[0]).toBe(0.5);
  });

  it('gives the patch sampler the same batches, draw for draw', async () => {
    const fromWhole = new PatchSampler([whole], { patchSize: 8, seed: 3 });
    const fromBoxed = new PatchSampler([boxed], { patchSize: 8, seed: 3 });
    for (let i = 0; i < 10; i++) {
      const a = await fromWhole.next(2);
      const b = await fromBoxed.next(2);
      expect(bits(b.image)).toEqual(bits(a.image));
      expect(b.labels).toEqual(a.labels);
      expect(b.foreground).toBe(a.foreground);
    }
  });

  it('gives back the whole-grid image, and the box itself when there is none', () => {
    expect(wholeGridImage(boxed)).toEqual(whole.image);
    expect(wholeGridImage(c)).toBe(c.image);
    expect(caseImageBox(c)).toEqual({ start: [0, 0, 0], dims: c.dims });
    expect(caseImageBox(boxed)).toBe(box);
  });

  it('refuses a box outside the grid or an image of the wrong length, naming the case', () => {
    const err = (x: TrainingCase): FedsegError => {
      try {
        checkCaseImage(x, 'TRAINING_CASE', `case ${x.id}`);
      } catch (e) {
        return e as FedsegError;
      }
      throw new Error('expected a refusal');
    };
    expect(() => checkCaseImage(boxed, 'TRAINING_CASE', 'case b')).not.toThrow();
    const outside = err({ ...boxed, imageBox: { start: [10, 2, 5], dims: [13, 11, 9] } });
    expect(outside.code).toBe('TRAINING_CASE');
    expect(outside.message).toBe(`case ${c.id}: expected an image box inside the 20x18x22 grid; found 13x11x9 from (10, 2, 5)`);
    expect(err({ ...boxed, imageBox: { start: [-1, 2, 5], dims: [13, 11, 9] } }).message).toContain('from (-1, 2, 5)');
    expect(err({ ...boxed, imageBox: { start: [0.5, 2, 5], dims: [13, 11, 9] } }).message).toContain('image box inside');
    const short = err({ ...boxed, image: boxed.image.subarray(4) });
    expect(short.message).toBe(`case ${c.id}: expected ${13 * 11 * 9 * 4} image values (the 13x11x9 image box of the 20x18x22 grid x 4 channels); found ${13 * 11 * 9 * 4 - 4}`);
    expect(err({ ...c, image: c.image.subarray(4) }).message).toContain('(20x18x22 x 4 channels)');
  });
});
