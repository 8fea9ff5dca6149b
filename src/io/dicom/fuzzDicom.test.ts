/**
 * Property: mutated valid DICOM files give a series or FileProblems, never an exception
 * or a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDicomSeries } from './readDicomSeries.ts';
import { daikonFile } from './testing/daikonOracle.ts';
import { syntheticDicomSeries, syntheticEnhancedDicom } from './testing/syntheticDicom.ts';

const seeds: Uint8Array[] = [
  new Uint8Array(syntheticDicomSeries({ dims: [6, 5, 1], bitsStored: 12 })[0]!.bytes),
  new Uint8Array(syntheticEnhancedDicom({ dims: [4, 4, 3] }).bytes),
  new Uint8Array(daikonFile('deflated.dcm').bytes),
  new Uint8Array(daikonFile('implicit_little.dcm').bytes).subarray(0, 132876),
];

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'word'; at: number; value: number }
  | { kind: 'splice'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000, 12345678) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

function mutate(src: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    // mutations concentrate on the header, where the structure is
    const at = m.at % Math.max(1, Math.min(b.length, m.at % 3 === 0 ? b.length : 1200));
    if (m.kind === 'flip') b[at] = m.value;
    else if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'word') new DataView(b.buffer).setUint32(Math.min(at, Math.max(0, b.length - 4)), m.value >>> 0, true);
    else b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + m.length))]);
    if (b.length < 4) break;
  }
  return b;
}

describe('readDicomSeries under mutation (fast-check)', () => {
  it('returns series or problems for ~1200 mutated files, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (s, muts) => {
        const bytes = mutate(seeds[s]!, muts);
        const result = await readDicomSeries([{ name: `fuzz/${s}.dcm`, bytes: bytes.buffer as ArrayBuffer }], { maxVoxels: 4_000_000 });
        expect(result.series.length + result.problems.length).toBeGreaterThanOrEqual(1);
        for (const p of result.problems) {
          expect(p.file).toBe(`fuzz/${s}.dcm`);
          expect(p.message).toContain(`${s}.dcm`);
        }
        for (const ser of result.series) {
          // a series that was read decodes again, to a volume of its size
          expect((await ser.readVolume()).data.length).toBe(ser.volume.dims[0] * ser.volume.dims[1] * ser.volume.dims[2]);
          expect(ser.volume.affine.every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 1200, seed: 20261127, timeout: 5000 },
    );
  });
});
