import { describe, expect, it } from 'vitest';
import { readDicomSeries } from './readDicomSeries.ts';
import { writeDicomFile } from './dcmjsLib.ts';
import { daikonFile } from './testing/daikonOracle.ts';
import { syntheticDicomSeries, testUid } from './testing/syntheticDicom.ts';
import type { SourceFile } from '../sourceFile.ts';

function bytesFile(name: string, bytes: Uint8Array): SourceFile {
  return { name, bytes: bytes.slice().buffer };
}

describe('readDicomSeries on files it cannot use', () => {
  it('gives one problem per bad file, in words, and still loads the good series', async () => {
    const good = syntheticDicomSeries({ dims: [3, 3, 3], folder: 'good' });
    const brain = new Uint8Array(daikonFile('volume/brain_002.dcm').bytes);
    const random = new Uint8Array(3000).map((_, i) => (i * 7919 + 13) % 251);
    const dicmRandom = random.slice();
    dicmRandom.set([0x44, 0x49, 0x43, 0x4d], 128);
    const sr = writeDicomFile({
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.33', SOPInstanceUID: testUid(), Modality: 'SR',
      StudyInstanceUID: testUid(), SeriesInstanceUID: testUid(),
    });
    const mpeg = syntheticDicomSeries({ dims: [2, 2, 1], folder: 'mpeg', transferSyntaxUid: '1.2.840.10008.1.2.4.100' });
    const bad = [
      bytesFile('bad/empty.dcm', new Uint8Array(0)),
      bytesFile('bad/random.bin', random),
      bytesFile('bad/dicm-random.dcm', dicmRandom),
      bytesFile('bad/truncated.dcm', brain.subarray(0, 60000)),
      bytesFile('bad/header-only.dcm', brain.subarray(0, 1000)),
      { name: 'bad/report.dcm', bytes: sr },
      ...mpeg,
    ];
    const { series, problems } = await readDicomSeries([...bad, ...good]);
    expect(series).toHaveLength(1);
    expect(series[0]!.volume.dims).toEqual([3, 3, 3]);
    expect(problems.map((p) => p.file).sort()).toEqual(bad.map((f) => f.name).sort());
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p]));
    expect(byFile['bad/empty.dcm']!.code).toBe('DICOM_EMPTY');
    expect(byFile['bad/random.bin']!.code).toBe('DICOM_NOT_DICOM');
    expect(byFile['bad/random.bin']!.message).toMatch(/random\.bin: expected a DICOM file/);
    expect(byFile['bad/truncated.dcm']!.code).toBe('DICOM_TRUNCATED');
    expect(byFile['bad/truncated.dcm']!.message).toMatch(/truncated\.dcm: the file ends after 60000 bytes.*expected 131072 bytes of pixel data/);
    expect(byFile['bad/report.dcm']!.code).toBe('DICOM_NO_PIXELS');
    expect(byFile['bad/report.dcm']!.message).toContain('Comprehensive Structured Report');
    expect(byFile[mpeg[0]!.name]!.code).toBe('DICOM_TRANSFER_SYNTAX');
    expect(byFile[mpeg[0]!.name]!.message).toContain('MPEG2 Main Profile @ Main Level (1.2.840.10008.1.2.4.100)');
    for (const p of problems) expect(p.message.length).toBeGreaterThan(20);
  });

  it('refuses a series that mixes orientations or sizes, naming the odd file', async () => {
    const study = testUid();
    const series = testUid();
    const a = syntheticDicomSeries({ dims: [3, 3, 2], studyUid: study, seriesUid: series, folder: 'mix' });
    const b = syntheticDicomSeries({ dims: [3, 3, 1], studyUid: study, seriesUid: series, folder: 'mix', orientation: [0, 1, 0, 0, 0, -1], origin: [5, 5, 5] });
    const r = await readDicomSeries([...a, ...b]);
    expect(r.series).toHaveLength(0);
    expect(r.problems[0]!.code).toBe('DICOM_SERIES_ORIENTATION');
    expect(r.problems[0]!.message).toMatch(/expected one slice orientation/);
  });

  it('refuses a series above the memory budget before allocating it', async () => {
    const r = await readDicomSeries(syntheticDicomSeries({ dims: [4, 4, 3] }), { maxVoxels: 40 });
    expect(r.series).toEqual([]);
    expect(r.problems[0]!.code).toBe('DICOM_TOO_LARGE');
    expect(r.problems[0]!.message).toMatch(/4x4x3 voxels exceed the memory budget of 40 voxels/);
  });
});
