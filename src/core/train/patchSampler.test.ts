import { describe, expect, it } from 'vitest';
import type { CaseSet } from './caseSet.ts';
import { PatchSampler } from './patchSampler.ts';
import { extractPatch } from './extractPatch.ts';
import { regionTargets } from './regionTargets.ts';
import { sphereCase } from './sphereCase.ts';
import { float32ToHalves } from '../util/halfFloat.ts';

describe('PatchSampler', () => {
  const c = sphereCase({ seed: 1, dims: [40, 36, 32], radius: 5 });

  it('is deterministic for a seed and has the fixed patch shape', async () => {
    const a = await new PatchSampler([c], { patchSize: 16, seed: 9 }).next(2);
    const b = await new PatchSampler([c], { patchSize: 16, seed: 9 }).next(2);
    const d = await new PatchSampler([c], { patchSize: 16, seed: 10 }).next(2);
    expect(a.image.length).toBe(2 * 16 ** 3 * 4);
    expect(a.targets.length).toBe(2 * 16 ** 3 * 3);
    expect(a.image).toEqual(b.image);
    expect(a.image).not.toEqual(d.image);
  });

  it('centres about one patch in three on tumour (foreground oversampling)', async () => {
    const s = new PatchSampler([c], { patchSize: 8, seed: 3 });
    let fg = 0;
    let withTumour = 0;
    for (let i = 0; i < 300; i++) {
      const b = await s.next(1);
      fg += b.foreground;
      if (b.labels.some((l) => l > 0)) withTumour++;
    }
    expect(fg / 300).toBeGreaterThan(0.25);
    expect(fg / 300).toBeLessThan(0.42);
    // a small tumour in a big volume: random patches alone would rarely hit it
    expect(withTumour).toBeGreaterThanOrEqual(fg);
    const all = new PatchSampler([c], { patchSize: 8, seed: 3, foregroundFraction: 1, flip: false });
    for (let i = 0; i < 20; i++) expect((await all.next(1)).labels[4 + 8 * (4 + 8 * 4)]).toBeGreaterThan(0);
  });

  it('pads a volume smaller than the patch with zeros and background', async () => {
    const small = sphereCase({ seed: 2, dims: [10, 12, 6] });
    const b = await new PatchSampler([small], { patchSize: 16, seed: 1, intensity: 0 }).next(1);
    const inside = b.labels.reduce((n, l, i) => n + (b.image.slice(i * 4, i * 4 + 4).some((v) => v !== 0) ? 1 : 0), 0);
    expect(inside).toBe(10 * 12 * 6);
    expect(b.labels.filter((l) => l > 0).length).toBe(small.label?.filter((l) => l > 0).length);
  });

  it('flips mirror the window and intensity augmentation scales and shifts each channel', async () => {
    // integers below 2048 are exact as halves
    const img = new Float32Array(4 * 4 * 4 * 4).map((_, i) => i);
    const cube = { dims: [4, 4, 4] as const, image: float32ToHalves(img) };
    const plain = new Float32Array(img.length);
    const flipped = new Float32Array(img.length);
    extractPatch(cube, { start: [0, 0, 0], size: 4 }, plain);
    extractPatch(cube, { start: [0, 0, 0], size: 4, flip: [true, false, false], scale: [2, 1, 1, 1], shift: [1, 0, 0, 0] }, flipped);
    expect(plain).toEqual(img);
    // voxel x=0 of the flipped patch is voxel x=3 of the volume, channel 0 scaled and shifted
    expect(flipped[0]).toBe(img[3 * 4]! * 2 + 1);
    expect(flipped[1]).toBe(img[3 * 4 + 1]);
  });

  it('maps labels to nested region targets (3 reads as 4)', async () => {
    expect([...regionTargets([0, 1, 2, 4, 3])]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('draws the same patches from a CaseSet as from the array, loading a case only when drawn and checking it then', async () => {
    const cases = [1, 2, 3].map((seed) => sphereCase({ seed, dims: [20, 18, 16], radius: 4 }));
    const loads: number[] = [];
    const set: CaseSet = { length: 3, load: async (i) => (loads.push(i), cases[i]!) };
    const fromArray = new PatchSampler(cases, { patchSize: 8, seed: 5 });
    const fromSet = new PatchSampler(set, { patchSize: 8, seed: 5 });
    expect(loads).toEqual([]);
    for (let i = 0; i < 6; i++) {
      const a = await fromArray.next(2);
      const b = await fromSet.next(2);
      expect(b.image).toEqual(a.image);
      expect(b.labels).toEqual(a.labels);
    }
    expect(loads).toHaveLength(12);
    const unlabelled: CaseSet = { length: 1, load: async () => ({ ...cases[0]!, label: undefined }) };
    const sampler = new PatchSampler(unlabelled, { patchSize: 8, seed: 1 });
    await expect(sampler.next(1)).rejects.toMatchObject({ code: 'TRAINING_CASE', message: expect.stringContaining('training needs a label volume') });
  });
});
