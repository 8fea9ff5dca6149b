import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { applyToPoint } from '../../core/geometry/mat4.ts';
import { buildTestNifti, gzipMembers, noisyNifti } from './buildTestNifti.ts';
import { readNifti } from './readNifti.ts';
import { sharedData } from '../../node/sharedData.ts';
import { errorCode } from '../../core/util/errorCode.ts';

const BRATS = sharedData('brats', 'BraTS19_TCIA08_105_1_');



describe('readNifti on real files', () => {
  it('reads the BraTS T1: 240x240x155, 1 mm, int16, LPS-flipped affine', () => {
    const v = readNifti(readFileSync(`${BRATS}t1.nii.gz`), 't1.nii.gz');
    expect(v.dims).toEqual([240, 240, 155]);
    expect(v.spacing).toEqual([1, 1, 1]);
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(v.header.gzipped).toBe(true);
    expect(v.header.affineSource).toBe('sform');
    expect([...v.affine]).toEqual([-1, 0, 0, 0, 0, -1, 0, 239, 0, 0, 1, 0, 0, 0, 0, 1].map((x, i) => (i === 3 ? -0 : x)));
    let max = 0;
    for (const x of v.data) if (x > max) max = x;
    expect(max).toBeGreaterThan(100);
  });

  it('reads the ground truth: scl_slope 0 (no scaling), header extension skipped, labels exactly {0,1,2,4}', () => {
    const v = readNifti(readFileSync(`${BRATS}seg_GroundTruth.nii.gz`), 'seg.nii.gz');
    expect(v.header.sclSlope).toBe(0);
    expect(v.header.scaled).toBe(false);
    expect(v.header.voxOffset).toBe(2704);
    expect(v.header.extensions).toEqual([{ code: 4, size: 2352 }]);
    expect(v.data).toBeInstanceOf(Uint8Array);
    const seen = new Uint32Array(256);
    for (let p = 0; p < v.data.length; p++) seen[v.data[p]!]!++;
    expect([...seen.keys()].filter((k) => seen[k]! > 0)).toEqual([0, 1, 2, 4]);
    const pim = readNifti(readFileSync(`${BRATS}seg_PIM.nii.gz`), 'pim.nii.gz');
    expect(pim.header.affineSource).toBe('qform');
    expect(pim.affine.map((x) => x + 0)).toEqual(v.affine.map((x) => x + 0));
  });

  it('places the ami slice origin at (-44.639, 139.690, 131.844) RAS', () => {
    const v = readNifti(readFileSync(sharedData('ami', 'adi_slice.nii')), 'adi_slice.nii');
    expect(v.dims).toEqual([192, 192, 1]);
    const o = applyToPoint(v.affine, [0, 0, 0]);
    expect(o[0]).toBeCloseTo(-44.639, 3);
    expect(o[1]).toBeCloseTo(139.69, 3);
    expect(o[2]).toBeCloseTo(131.844, 3);
    expect(v.data).toBeInstanceOf(Uint16Array);
  });
});

describe('readNifti on constructed files', () => {
  const values = Array.from({ length: 24 }, (_, i) => i * 3 - 20);

  it('reads big-endian NIfTI-1 and both NIfTI-2 byte orders, every datatype, identically', () => {
    for (const datatype of [4, 8, 16, 64, 256]) {
      const ref = readNifti(buildTestNifti({ dims: [4, 3, 2], values, datatype }), 'le.nii');
      for (const spec of [
        { littleEndian: false },
        { version: 2 as const },
        { version: 2 as const, littleEndian: false },
      ]) {
        const v = readNifti(buildTestNifti({ dims: [4, 3, 2], values, datatype, ...spec }), 'x.nii');
        expect(v.header.version).toBe(spec.version ?? 1);
        expect(v.header.littleEndian).toBe(spec.littleEndian ?? true);
        expect([...v.data]).toEqual(values);
        expect(v.data.constructor).toBe(ref.data.constructor);
      }
    }
    for (const datatype of [2, 512, 768]) {
      const pos = values.map((x) => x + 20);
      const v = readNifti(buildTestNifti({ dims: [4, 3, 2], values: pos, datatype, littleEndian: false }), 'u.nii');
      expect([...v.data]).toEqual(pos);
    }
  });

  it('applies scl_slope/scl_inter into float32, and reads slope 0 or NaN as no scaling', () => {
    const v = readNifti(buildTestNifti({ dims: [4, 3, 2], values, datatype: 4, sclSlope: 0.5, sclInter: 10 }), 's.nii');
    expect(v.header.scaled).toBe(true);
    expect(v.data).toBeInstanceOf(Float32Array);
    expect([...v.data]).toEqual(values.map((x) => x * 0.5 + 10));
    for (const sclSlope of [0, NaN, 1]) {
      const u = readNifti(buildTestNifti({ dims: [4, 3, 2], values, datatype: 4, sclSlope }), 'u.nii');
      expect(u.data).toBeInstanceOf(Int16Array);
      expect(u.header.scaled).toBe(false);
    }
  });

  it('chooses sform, then qform, then the pixdim diagonal, as nibabel', () => {
    const srow = [0, 0, 2, 5, -3, 0, 0, 6, 0, 1, 0, 7];
    const common = { dims: [4, 3, 2], values, pixdim: [-1, 3, 1, 2] };
    const s = readNifti(buildTestNifti({ ...common, sformCode: 1, qformCode: 1, srow }), 's.nii');
    expect(s.header.affineSource).toBe('sform');
    expect(s.affine.slice(0, 12)).toEqual(srow);
    expect(s.spacing).toEqual([3, 1, 2]);
    // qform: 90 degrees about z (b=c=0, d=sin45), qfac -1 flips k
    const d = Math.SQRT1_2;
    const q = readNifti(buildTestNifti({ ...common, sformCode: 0, qformCode: 2, quatern: [0, 0, d], qoffset: [1, 2, 3] }), 'q.nii');
    expect(q.header.affineSource).toBe('qform');
    const want = [0, -1, 0, 1, 3, 0, 0, 2, 0, 0, -2, 3, 0, 0, 0, 1];
    q.affine.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 6));
    const b = readNifti(buildTestNifti({ ...common }), 'b.nii');
    expect(b.header.affineSource).toBe('base');
    expect(b.affine).toEqual([-3, 0, 0, 4.5, 0, 1, 0, -1, 0, 0, 2, -1, 0, 0, 0, 1]);
  });

  it('reads world coordinates in mm when xyzt_units says metres or micrometres (as ITK), and says so', () => {
    const srow = [0, 0, 2, 5, -3, 0, 0, 6, 0, 1, 0, 7];
    const common = { dims: [4, 3, 2], values, pixdim: [-1, 3, 1, 2], sformCode: 1 };
    const mm = readNifti(buildTestNifti({ ...common, srow, xyztUnits: 2 | 8 }), 'mm.nii');
    expect(mm.header.warnings).toEqual([]);
    const um = readNifti(buildTestNifti({ ...common, srow: srow.map((v) => v * 1000), xyztUnits: 3 | 8 }), 'um.nii');
    um.affine.forEach((x, i) => expect(x).toBeCloseTo(mm.affine[i]!, 4));
    expect(um.spacing.map((v) => +v.toFixed(4))).toEqual([3, 1, 2]);
    expect(um.header.warnings).toEqual(['its spatial units are micrometres (xyzt_units 11): read in mm']);
    const m = readNifti(buildTestNifti({ ...common, version: 2, srow: srow.map((v) => v / 1000), xyztUnits: 1 }), 'm.nii');
    m.affine.forEach((x, i) => expect(x).toBeCloseTo(mm.affine[i]!, 4));
    // unknown units (0) are read as mm
    expect(readNifti(buildTestNifti({ ...common, srow, xyztUnits: 0 }), 'u.nii').affine).toEqual(mm.affine);
  });

  it('reads from a Node Buffer that is a view at an odd offset into a larger buffer', () => {
    const file = buildTestNifti({ dims: [4, 3, 2], values, datatype: 4 });
    const big = new Uint8Array(file.length + 100).fill(0xee);
    big.set(file, 7);
    const view = Buffer.from(big.buffer, 7, file.length);
    expect([...readNifti(view, 'view.nii').data]).toEqual(values);
    const ami = readFileSync(sharedData('ami', 'adi_slice.nii'));
    const a = readNifti(ami, 'adi_slice.nii');
    const b = readNifti(new Uint8Array(ami), 'adi_slice.nii');
    expect(a.data).toEqual(b.data);
  });

  it('reads vox_offset 0 as the minimum offset (as nibabel), with a warning', () => {
    const file = buildTestNifti({ dims: [4, 3, 2], values });
    new DataView(file.buffer).setFloat32(108, 0, true);
    const v = readNifti(file, 'zero-offset.nii');
    expect([...v.data]).toEqual(values);
    expect(v.header.warnings.join()).toMatch(/vox_offset was 0/);
  });

  it('skips header extensions through vox_offset', () => {
    const bytes = buildTestNifti({ dims: [4, 3, 2], values, extensions: [{ code: 6, bytes: new TextEncoder().encode('a comment of some length') }, { code: 4, bytes: new Uint8Array(40) }] });
    const v = readNifti(bytes, 'e.nii');
    expect(v.header.extensions.map((e) => e.code)).toEqual([6, 4]);
    expect([...v.data]).toEqual(values);
  });

  it('accepts 4D with one volume and refuses more, naming the file', () => {
    expect(readNifti(buildTestNifti({ dims: [4, 3, 2, 1], values }), 'one.nii').dims).toEqual([4, 3, 2]);
    expect(readNifti(buildTestNifti({ dims: [4, 6], values }), 'twod.nii').dims).toEqual([4, 6, 1]);
    expect(() => readNifti(buildTestNifti({ dims: [2, 3, 2, 2], values }), 'four.nii')).toThrow(/four\.nii: expected one 3D volume, found 4D data of size 2x3x2x2 \(2 volumes\)/);
  });

  it('sets NaN/Inf voxels to 0 and reports them, or refuses them on request', () => {
    const bad = [...values];
    bad[3] = NaN;
    bad[7] = Infinity;
    const v = readNifti(buildTestNifti({ dims: [4, 3, 2], values: bad }), 'nan.nii');
    expect(v.header.nonFiniteVoxels).toBe(2);
    expect(v.data[3]).toBe(0);
    expect(v.header.warnings.join()).toMatch(/2 voxels were NaN or infinite/);
    expect(errorCode(() => readNifti(buildTestNifti({ dims: [4, 3, 2], values: bad }), 'nan.nii', { nonFinite: 'refuse' }))).toBe('NIFTI_NONFINITE');
  });

  it('gives stable error codes with messages naming the file, expected and found', () => {
    const good = buildTestNifti({ dims: [4, 3, 2], values });
    expect(errorCode(() => readNifti(good.slice(0, 100), 'short.nii'))).toBe('NIFTI_TRUNCATED');
    expect(errorCode(() => readNifti(good.slice(0, good.length - 1), 'short.nii'))).toBe('NIFTI_TRUNCATED');
    expect(() => readNifti(good.slice(0, good.length - 1), 'short.nii')).toThrow(/short\.nii: the file is cut short \(was its copy or download interrupted\?\): expected 448 bytes .* found 447/);
    const magic = good.slice();
    magic[345] = 0x3f;
    expect(errorCode(() => readNifti(magic, 'm.nii'))).toBe('NIFTI_BAD_MAGIC');
    expect(errorCode(() => readNifti(new TextEncoder().encode('hello world'.repeat(40)), 'text.nii'))).toBe('NIFTI_BAD_MAGIC');
    const pair = good.slice();
    pair.set([0x6e, 0x69, 0x31, 0], 344);
    expect(errorCode(() => readNifti(pair, 'p.hdr'))).toBe('NIFTI_PAIR');
    expect(errorCode(() => readNifti(buildTestNifti({ dims: [4, 3, 2], values: [], datatype: 2 }).map((b, i) => (i === 70 ? 32 : b)), 'c.nii'))).toBe('NIFTI_DATATYPE');
    expect(() => readNifti(buildTestNifti({ dims: [4, 3, 2], values: [], datatype: 2 }).map((b, i) => (i === 70 ? 32 : b)), 'c.nii')).toThrow(/found code 32 \(complex64\)/);
    const zeroDim = buildTestNifti({ dims: [4, 0, 2], values: [] });
    expect(errorCode(() => readNifti(zeroDim, 'z.nii'))).toBe('NIFTI_BAD_DIMS');
    const gz = gzipSync(good);
    expect([...readNifti(gz, 'no-extension-needed').data]).toEqual(values);
    const corrupt = gz.slice();
    for (let i = 20; i < 40; i++) corrupt[i] = 0xff;
    expect(['NIFTI_GZIP', 'NIFTI_TRUNCATED']).toContain(errorCode(() => readNifti(corrupt, 'c.nii.gz')));
    expect(errorCode(() => readNifti(gz.slice(0, gz.length - 20), 'cut.nii.gz'))).toBe('NIFTI_TRUNCATED');
  });

  it('reads a .nii.gz of several concatenated gzip members as the one-member file; refuses a truncated one', () => {
    const file = noisyNifti();
    const one = readNifti(gzipSync(file), 'one.nii.gz');
    // members split inside the header and inside the voxels, one starting in the last 16 KiB input
    // slice, and an empty last member (bgzip's end-of-file block)
    const { bytes, ends } = gzipMembers([file.subarray(0, 200), file.subarray(200, 150000), file.subarray(150000, 255000), file.subarray(255000), new Uint8Array(0)]);
    const multi = readNifti(bytes, 'multi.nii.gz');
    expect(multi.dims).toEqual(one.dims);
    expect(multi.affine).toEqual(one.affine);
    expect(multi.data).toEqual(one.data);
    // a small file, all of it in one input slice
    const small = buildTestNifti({ dims: [4, 3, 2], values });
    expect([...readNifti(gzipMembers([small.subarray(0, 400), small.subarray(400)]).bytes, 'small.nii.gz').data]).toEqual(values);
    // cut inside the second member, or right after it (a whole member missing)
    expect(errorCode(() => readNifti(bytes.subarray(0, Math.round((ends[0]! + ends[1]!) / 2)), 'cut.nii.gz'))).toBe('NIFTI_TRUNCATED');
    expect(() => readNifti(bytes.subarray(0, ends[1]), 'cut.nii.gz')).toThrow(/cut\.nii\.gz: the file is cut short .*: expected 256352 bytes .* found 150000 after decompression/);
  });

  it('refuses volumes over the memory budget from the header alone, before allocating or decompressing', () => {
    // the header claims 4000^3 float64 (about 477 GiB); the file has no voxel data at all
    const huge = buildTestNifti({ dims: [4000, 4000, 4000], values: [], datatype: 64 });
    expect(errorCode(() => readNifti(huge, 'huge.nii'))).toBe('NIFTI_TOO_LARGE');
    expect(errorCode(() => readNifti(gzipSync(huge), 'huge.nii.gz'))).toBe('NIFTI_TOO_LARGE');
    expect(() => readNifti(huge, 'huge.nii')).toThrow(/huge\.nii: expected at most 512 MiB of voxel data, found 4000x4000x4000 float64/);
    const small = buildTestNifti({ dims: [4, 3, 2], values });
    expect(errorCode(() => readNifti(small, 's.nii', { maxVoxels: 10 }))).toBe('NIFTI_TOO_LARGE');
    expect(errorCode(() => readNifti(small, 's.nii', { maxBytes: 50 }))).toBe('NIFTI_TOO_LARGE');
  });
});
