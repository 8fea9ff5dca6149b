/**
 * Property: any byte sequence derived from a valid NIfTI file (bytes flipped, cut short,
 * header fields overwritten, gzipped or not) either reads as a consistent volume or
 * fails with a FedsegError: never another exception, never a hang.
 */
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FedsegError } from '../../core/util/errors.ts';
import { buildTestNifti } from './buildTestNifti.ts';
import { readNifti } from './readNifti.ts';

const seeds = [
  buildTestNifti({ dims: [5, 4, 3], values: Array.from({ length: 60 }, (_, i) => i - 7), datatype: 4, sformCode: 1, qformCode: 1, quatern: [0, 0, 1], srow: [-1, 0, 0, 3, 0, -1, 0, 4, 0, 0, 1, 5] }),
  buildTestNifti({ dims: [3, 3, 2, 1], values: Array.from({ length: 18 }, (_, i) => i * 0.5), littleEndian: false, sclSlope: 2, sclInter: -1, qformCode: 1, quatern: [0.1, 0.2, 0.3], pixdim: [-1, 1, 2, 3] }),
  buildTestNifti({ version: 2, dims: [4, 2, 2], values: Array.from({ length: 16 }, (_, i) => i), datatype: 64, extensions: [{ code: 6, bytes: new Uint8Array(20).fill(65) }] }),
  buildTestNifti({ version: 2, littleEndian: false, dims: [2, 2, 2], values: [0, 1, 2, 4, 4, 2, 1, 0], datatype: 2 }),
];

// offsets of header fields worth hitting: sizeof_hdr, dims, datatype, bitpix, pixdim, vox_offset, scl, codes, quatern, srow, magic
const FIELDS_V1 = [0, 40, 42, 44, 46, 48, 70, 72, 76, 80, 108, 112, 116, 252, 254, 256, 268, 280, 344, 348];

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'field'; field: number; bytes: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
  fc.record({
    kind: fc.constant('field' as const),
    field: fc.integer({ min: 0, max: FIELDS_V1.length - 1 }),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
);

function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    if (m.kind === 'flip') b[m.at % b.length] = m.value;
    else if (m.kind === 'truncate') b = b.slice(0, m.length % (b.length + 1));
    else {
      const at = FIELDS_V1[m.field]!;
      for (let i = 0; i < m.bytes.length && at + i < b.length; i++) b[at + i] = m.bytes[i]!;
    }
  }
  return b;
}

function checkRead(bytes: Uint8Array): void {
  try {
    const v = readNifti(bytes, 'fuzz.nii', { maxBytes: 1 << 20 });
    expect(v.data.length).toBe(v.dims[0] * v.dims[1] * v.dims[2]);
    expect(v.affine.every(Number.isFinite)).toBe(true);
    expect(v.spacing.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    if (v.data instanceof Float32Array || v.data instanceof Float64Array) {
      for (const x of v.data) expect(Number.isFinite(x)).toBe(true);
    }
  } catch (err) {
    if (!(err instanceof FedsegError)) throw err;
    expect(err.code).toMatch(/^NIFTI_/);
    expect(err.message).toMatch(/^fuzz\.nii: /);
  }
}

describe('readNifti under mutation (fast-check)', () => {
  it('returns a valid volume or throws a FedsegError, for mutated .nii', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (s, muts) => {
        checkRead(mutate(seeds[s]!, muts));
      }),
      { numRuns: 1500, seed: 20261127 },
    );
  });

  it('returns a valid volume or throws a FedsegError, for mutated .nii.gz (compressed and raw bytes)', () => {
    const gz = seeds.map((s) => gzipSync(s));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, before, muts) => {
        checkRead(before ? gzipSync(mutate(seeds[s]!, muts)) : mutate(gz[s]!, muts));
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
