import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readNifti } from '../../io/nifti/readNifti.ts';
import { readDicomSeries } from '../../io/dicom/readDicomSeries.ts';
import { syntheticDicomSeries, testUid } from '../../io/dicom/testing/syntheticDicom.ts';
import { readFolder } from '../readFolder.ts';
import { convertCommand } from './convert.ts';
import { inspectCommand } from './inspect.ts';

const dir = mkdtempSync(join(tmpdir(), 'fedseg-d-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFiles(root: string, files: { name: string; bytes: ArrayBuffer }[]): void {
  for (const f of files) {
    const path = join(root, f.name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, new Uint8Array(f.bytes));
  }
}

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await run(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('fedseg inspect and convert', () => {
  const site = join(dir, 'site');
  const study = testUid();
  const series = ['T1 AX', 'T1 AX POST GD', 'T2 AX', 'FLAIR AX'].flatMap((d, i) =>
    syntheticDicomSeries({ dims: [5, 4, 3], studyUid: study, description: d, seriesNumber: i + 1, folder: `patientA/${i + 1}`, slope: 0.5 }),
  );
  writeFiles(site, series);
  writeFiles(site, [{ name: 'patientA/readme.txt', bytes: new TextEncoder().encode('notes').buffer as ArrayBuffer }]);
  writeFileSync(join(site, '.DS_Store'), 'x');

  it('readFolder names files relative to the folder given, skipping hidden files', () => {
    const { files, problems } = readFolder([site]);
    expect(problems).toEqual([]);
    expect(files).toHaveLength(13);
    expect(files.every((f) => f.name.startsWith('site/patientA/'))).toBe(true);
  });

  it('inspect prints the case table and the unusable file; --json gives the same report', async () => {
    const text = await capture(() => inspectCommand.run([site]));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/case\s+source\s+found\s+missing\s+dims\s+spacing \(mm\)\s+orient\s+label/);
    expect(text.out).toMatch(/site\/patientA\s+dicom\s+t1 t1ce t2 flair\s+-\s+5x4x3\s+1x1x2\s+LPS\s+no/);
    // the file named once: its path, then what was wrong with it
    expect(text.out).toMatch(/site\/patientA\/readme\.txt: expected a NIfTI .* or DICOM file, found a \.txt file \(5 bytes\) \[FILE_UNKNOWN\]/);
    expect(text.out).not.toMatch(/readme\.txt: readme\.txt/);
    const json = await capture(() => inspectCommand.run(['--json', site]));
    const report = JSON.parse(json.out) as { cases: { id: string; complete: boolean; found: string[] }[]; problems: { file: string }[] };
    expect(report.cases).toEqual([expect.objectContaining({ id: 'site/patientA', complete: true, found: ['t1', 't1ce', 't2', 'flair'] })]);
    expect(report.problems.map((p) => p.file)).toEqual(['site/patientA/readme.txt']);
  });

  it('convert writes one series to the --out file with the same voxels and affine', async () => {
    const out = join(dir, 'one.nii.gz');
    const r = await capture(() => convertCommand.run([join(site, 'patientA', '2'), '--out', out]));
    expect(r.code).toBe(0);
    const nii = readNifti(new Uint8Array(readFileSync(out)), 'one.nii.gz');
    const { series: [s] } = await readDicomSeries(series.filter((f) => f.name.startsWith('patientA/2/')));
    expect(nii.dims).toEqual(s!.volume.dims);
    nii.affine.forEach((v, i) => expect(v).toBeCloseTo(s!.volume.affine[i]!, 4));
    expect(Array.from(nii.data)).toEqual(Array.from((await s!.readVolume()).data));
  });

  it('convert writes several series into the --out folder and refuses a file name for them', async () => {
    const outDir = join(dir, 'many');
    const r = await capture(() => convertCommand.run([site, '--out', outDir]));
    expect(r.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['001_T1_AX.nii.gz', '002_T1_AX_POST_GD.nii.gz', '003_T2_AX.nii.gz', '004_FLAIR_AX.nii.gz']);
    const refused = await capture(() => convertCommand.run([site, '--out', join(dir, 'x.nii.gz')]));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/found 4 series; --out must be a folder/);
  });
});
