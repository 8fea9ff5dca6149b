/** Property: any mix of files gives a report, never an exception; every file is accounted for. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeNifti } from '../nifti/writeNifti.ts';
import { diagonalAffine } from '../../core/types/volume.ts';
import { syntheticDicomSeries } from '../dicom/testing/syntheticDicom.ts';
import { discoverCases } from './discoverCases.ts';
import { fileKind } from './fileKind.ts';

const nifti = writeNifti({ dims: [3, 2, 2], spacing: [1, 1, 1], affine: diagonalAffine([1, 1, 1]), data: new Int16Array(12).fill(7) }, { gzip: true });
const dicom = new Uint8Array(syntheticDicomSeries({ dims: [3, 3, 2] })[0]!.bytes);

const fileArb = fc.record({
  folder: fc.constantFrom('a', 'b', 'a/x'),
  stem: fc.constantFrom('P1_t1', 'P1_t1ce', 'P1_t2', 'P1_flair', 'P1_seg', 'IM0001', 'scan', 'notes'),
  ext: fc.constantFrom('.nii.gz', '.nii', '.dcm', '', '.txt'),
  base: fc.constantFrom('nifti', 'dicom', 'random'),
  cut: fc.nat(),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
});

describe('discoverCases under arbitrary input (fast-check)', () => {
  it('returns a report for 150 random folders, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fileArb, { minLength: 1, maxLength: 6 }), async (specs) => {
        const files = specs.map((s, i) => {
          const src = s.base === 'nifti' ? nifti : s.base === 'dicom' ? dicom : new Uint8Array(64).map((_, j) => (j * 31 + i) & 255);
          const b = src.slice(0, s.cut % 3 === 0 ? s.cut % (src.length + 1) : src.length);
          for (const [at, v] of s.flips) if (b.length) b[at % b.length] = v;
          return { name: `${s.folder}/${i}_${s.stem}${s.ext}`, bytes: b.buffer as ArrayBuffer };
        });
        const report = await discoverCases(files);
        const mentioned = new Set([
          ...report.problems.map((p) => p.file),
          ...report.unassigned.map((u) => u.id),
          ...report.cases.flatMap((c) => Object.values(c.sources)),
        ]);
        for (const c of report.cases) expect(c.found.length + c.missing.length).toBe(4);
        // every NIfTI or unknown file is named somewhere (DICOM files are reported per series)
        for (const f of files) if (fileKind(f) !== 'dicom') expect(mentioned.has(f.name)).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
