import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticCase } from '../../core/synthetic/syntheticCase.ts';
import { readNifti } from './readNifti.ts';
import { writeNifti, writeNiftiLabels } from './writeNifti.ts';
import { qformAffine } from './niftiAffine.ts';
import { affineToQform } from './niftiQuaternion.ts';
import { sharedData } from '../../node/sharedData.ts';
import { buildTestNifti } from './buildTestNifti.ts';
import { toFloat32 } from '../discovery/niftiCases.ts';

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

  it('copies the source qform and sform unchanged, also when they differ (as ITK reads the qform)', () => {
    // qform: code 1, a flip, qfac -1, origin (10,-20,30); sform: code 2, sheared, origin (-50,12,7)
    const srow = [0.9, 0.1, 0, -50, -0.1, 0.9, 0.2, 12, 0, -0.2, 1.1, 7];
    const file = buildTestNifti({ dims: [8, 8, 8], values: new Array<number>(512).fill(0), datatype: 2, pixdim: [-1, 1, 1, 1], qformCode: 1, quatern: [0, 1, 0], qoffset: [10, -20, 30], sformCode: 2, srow });
    const src = readNifti(file, 'qs.nii');
    expect(src.header.affineSource).toBe('sform');
    const geometry = (h: typeof src.header) => [h.qformCode, h.sformCode, ...h.quatern, ...h.qoffset, ...h.pixdim.slice(0, 4), ...h.srow];
    // also through discovery, which makes every image float32 (the volume the page exports against)
    for (const bytes of [writeNiftiLabels(new Uint8Array(512), src), writeNifti(src, { gzip: true }), writeNiftiLabels(new Uint8Array(512), toFloat32(src))]) {
      const back = readNifti(bytes, 'labels.nii');
      expect(geometry(back.header)).toEqual(geometry(src.header));
      expect(back.affine).toEqual(src.affine);
      expect(qformAffine(back.header)).toEqual(qformAffine(src.header));
      const q = qformAffine(back.header);
      expect([q[3], q[7], q[11]]).toEqual([10, -20, 30]);
    }
    // codes 0/0 stay 0/0 (the pixdim diagonal)
    const base = readNifti(buildTestNifti({ dims: [2, 3, 4], values: new Array<number>(24).fill(1), pixdim: [1, 2, 3, 4], qformCode: 0, sformCode: 0 }), 'base.nii');
    const baseBack = readNifti(writeNifti(base), 'base-out.nii');
    expect([baseBack.header.qformCode, baseBack.header.sformCode, baseBack.header.affineSource]).toEqual([0, 0, 'base']);
    expect(baseBack.affine).toEqual(base.affine);
    // no source header (e.g. from DICOM), or an affine the header no longer gives: both forms from the affine, codes 1
    const moved = [...src.affine.slice(0, 11), src.affine[11]! + 5, 0, 0, 0, 1];
    for (const vol of [{ dims: src.dims, spacing: src.spacing, affine: src.affine, data: src.data }, { ...src, affine: moved }]) {
      const back = readNifti(writeNifti(vol), 'computed.nii');
      expect(back.affine).toEqual(vol.affine);
      expect(back.header.sformCode).toBe('header' in vol ? 2 : 1);
      expect(back.header.qformCode).toBe(1);
      const q = qformAffine(back.header);
      expect(q[3]).toBeCloseTo(vol.affine[3]!, 4);
      expect(q[7]).toBeCloseTo(vol.affine[7]!, 4);
      expect(q[11]).toBeCloseTo(vol.affine[11]!, 4);
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
    expect(back.header.descrip).toBe('fedseg labels {0,1,2,4}');
    const hash = 'ab'.repeat(32);
    expect(readNifti(writeNiftiLabels(src.data as Uint8Array, src, { modelHash: hash }), 'm.nii').header.descrip).toBe(`fedseg labels {0,1,2,4} by global model ${hash.slice(0, 16)}`);
    // zero the sform code: the qform alone gives the same affine
    const raw = writeNiftiLabels(src.data as Uint8Array, src);
    new DataView(raw.buffer).setInt16(254, 0, true);
    const viaQ = readNifti(raw, 'q.nii');
    expect(viaQ.header.affineSource).toBe('qform');
    viaQ.affine.forEach((x, i) => expect(x).toBeCloseTo(src.affine[i]!, 6));
    expect(() => writeNiftiLabels(new Uint8Array(3), src)).toThrow(/expected 8928000 labels/);
  });
});
