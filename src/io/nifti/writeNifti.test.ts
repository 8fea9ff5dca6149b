import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticCase } from '../../core/synthetic/syntheticCase.ts';
import { readNifti } from './readNifti.ts';
import { writeNifti, writeNiftiLabels } from './writeNifti.ts';
import { qformAffine } from './niftiAffine.ts';
import { affineToQform } from './niftiQuaternion.ts';
import { sharedData } from '../../node/sharedData.ts';

/** Index of the first differing element, -1 when equal (vitest's deep equality is slow on 9M elements). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('writeNifti', () => {
  it('round-trips data and affine exactly, plain and gzipped', () => {
    const c = syntheticCase({ seed: 4, size: 16 });
    for (const gzip of [false, true]) {
      const back = readNifti(writeNifti(c.images.t2, { gzip }), 't2.nii');
      expect(back.header.gzipped).toBe(gzip);
      expect(back.dims).toEqual([16, 16, 16]);
      expect(back.data).toEqual(c.images.t2.data);
      expect(back.affine).toEqual(c.images.t2.affine);
    }
    const ints = { dims: [3, 2, 2] as const, spacing: [1, 1, 1] as const, affine: c.images.t2.affine, data: Int16Array.from([-3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 32000]) };
    expect(readNifti(writeNifti(ints), 'i.nii').data).toEqual(ints.data);
  });

  it('stores a qform that agrees with the sform, for oblique and left-handed affines', () => {
    const th = 0.3;
    const affines = [
      [Math.cos(th) * 0.9, -Math.sin(th) * 1.1, 0, -40, Math.sin(th) * 0.9, Math.cos(th) * 1.1, 0, 12, 0, 0, 3, 7, 0, 0, 0, 1],
      [-1, 0, 0, 0, 0, -1, 0, 239, 0, 0, 1, 0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -2, 0, 0, 0, 0, 1],
      [0, 0, 1.2, 1, -1, 0, 0, 2, 0, -1, 0, 3, 0, 0, 0, 1],
    ];
    for (const a of affines) {
      const q = affineToQform(a);
      const back = qformAffine(q);
      back.forEach((x, i) => expect(x).toBeCloseTo(a[i]!, 5));
    }
  });

  it('writes labels as uint8 on the source grid, codes copied, readable with the qform alone', () => {
    const src = readNifti(readFileSync(sharedData('brats', 'BraTS19_TCIA08_105_1_seg_GroundTruth.nii.gz')), 'gt.nii.gz');
    const bytes = writeNiftiLabels(src.data as Uint8Array, src, { gzip: true });
    const back = readNifti(bytes, 'labels.nii.gz');
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect(firstDifference(back.data, src.data)).toBe(-1);
    expect(back.affine).toEqual(src.affine);
    expect(back.header.sformCode).toBe(src.header.sformCode);
    expect(back.header.qformCode).toBe(src.header.qformCode);
    expect(back.header.intentCode).toBe(1002);
    // zero the sform code: the qform alone gives the same affine
    const raw = writeNiftiLabels(src.data as Uint8Array, src);
    new DataView(raw.buffer).setInt16(254, 0, true);
    const viaQ = readNifti(raw, 'q.nii');
    expect(viaQ.header.affineSource).toBe('qform');
    viaQ.affine.forEach((x, i) => expect(x).toBeCloseTo(src.affine[i]!, 6));
    expect(() => writeNiftiLabels(new Uint8Array(3), src)).toThrow(/expected 8928000 labels/);
  });
});
