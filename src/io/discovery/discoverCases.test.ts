import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../nifti/readNifti.ts';
import { writeNifti } from '../nifti/writeNifti.ts';
import { diagonalAffine } from '../../core/types/volume.ts';
import type { Volume, VoxelArray } from '../../core/types/volume.ts';
import { problemDetail, type SourceFile } from '../sourceFile.ts';
import { sequenceGaps } from './sequenceGaps.ts';
import { syntheticDicomSeries, testUid } from '../dicom/testing/syntheticDicom.ts';
import { discoverCases } from './discoverCases.ts';
import { assignSeries } from './assignSeries.ts';
import { sharedData } from '../../node/sharedData.ts';

const BRATS = sharedData('brats');

function niftiFile(name: string, vol: Volume<VoxelArray>, gzip = true): SourceFile {
  const bytes = writeNifti(vol, { gzip });
  return { name, bytes: bytes.slice().buffer };
}

function vol<T extends VoxelArray>(data: T, dims: [number, number, number] = [4, 3, 2]): Volume<T> {
  return { dims, spacing: [1, 1, 1], affine: diagonalAffine([1, 1, 1]), data };
}

describe('discoverCases on NIfTI', () => {
  it('finds the real BraTS case: four sequences, ground-truth label, predictions left out', async () => {
    const files = readdirSync(BRATS)
      .filter((f) => !f.includes('Consensus'))
      .map((f) => {
        const b = readFileSync(`${BRATS}/${f}`);
        return { name: `site/${f}`, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
      });
    const report = await discoverCases(files);
    expect(report.problems).toEqual([]);
    expect(report.cases).toHaveLength(1);
    const c = report.cases[0]!;
    expect(c.id).toBe('site/BraTS19_TCIA08_105_1');
    expect(c.found).toEqual(['t1', 't1ce', 't2', 'flair']);
    expect(c.missing).toEqual([]);
    expect(c.hasLabel).toBe(true);
    expect(c.dims).toEqual([240, 240, 155]);
    expect(c.spacing).toEqual([1, 1, 1]);
    // the report keeps no voxels (a BraTS case as float32 volumes is about 220 MB): they are read again when loaded
    const voxelBytes = (x: unknown, seen = new Set<unknown>()): number => {
      if (ArrayBuffer.isView(x)) return x.byteLength;
      if (typeof x !== 'object' || x === null || seen.has(x)) return 0;
      seen.add(x);
      return Object.values(x).reduce((n: number, v) => n + voxelBytes(v, seen), 0);
    };
    expect(voxelBytes(report.cases)).toBeLessThan(1e5);
    const imaging = await c.loadImaging!();
    expect(imaging.images.flair.data).toBeInstanceOf(Float32Array);
    const flair = readNifti(files.find((f) => f.name.endsWith('_flair.nii.gz'))!.bytes, 'flair').data;
    // (compared by hand: vitest's toEqual on 9 M values runs out of memory)
    expect(imaging.images.flair.data.length).toBe(flair.length);
    expect(imaging.images.flair.data.every((v, i) => v === flair[i])).toBe(true);
    expect(new Set(imaging.label!.data)).toEqual(new Set([0, 1, 2, 4]));
    expect(report.unassigned.map((u) => u.id)).toEqual(['site/BraTS19_TCIA08_105_1_seg_PIM.nii.gz']);
    expect(report.unassigned[0]!.reason).toMatch(/not used as the label/);
  }, 60_000);

  it('groups BraTS 2023 names by prefix, reports what is missing, maps label 3 to 4 and reports bad files', async () => {
    const img = (v: number) => vol(new Int16Array(24).fill(v));
    const label = vol(new Uint8Array(24).map((_, i) => [0, 1, 2, 3][i % 4]!));
    const files: SourceFile[] = [
      ...['t1n', 't1c', 't2w', 't2f'].map((s, i) => niftiFile(`a/BraTS-GLI-00001-000-${s}.nii.gz`, img(i + 1))),
      niftiFile('a/BraTS-GLI-00001-000-seg.nii.gz', label),
      niftiFile('b/BraTS-GLI-00002-000-t1n.nii.gz', img(1)),
      niftiFile('b/BraTS-GLI-00002-000-t2f.nii', img(1), false),
      niftiFile('b/BraTS-GLI-00002-000-seg.nii.gz', vol(new Uint8Array(6), [3, 2, 1])),
      { name: 'b/BraTS-GLI-00002-000-t2w.nii.gz', bytes: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]).buffer },
      { name: 'b/notes.txt', bytes: new TextEncoder().encode('hello').buffer },
    ];
    const report = await discoverCases(files);
    const [a, b] = report.cases;
    expect(a!.id).toBe('a/BraTS-GLI-00001-000');
    expect(a!.missing).toEqual([]);
    expect(a!.hasLabel).toBe(true);
    expect(Array.from((await a!.loadImaging!()).label!.data.slice(0, 4))).toEqual([0, 1, 2, 4]);
    expect(a!.notes.join()).toMatch(/label 3 .* read as 4/);
    expect((await a!.loadImaging!()).images.t1ce.data[0]).toBe(2);
    expect(b!.id).toBe('b/BraTS-GLI-00002-000');
    expect(b!.found).toEqual(['t1', 'flair']);
    expect(b!.missing).toEqual(['t1ce', 't2']);
    expect(b!.loadImaging).toBeUndefined();
    expect(b!.hasLabel).toBe(false);
    const problems = Object.fromEntries(report.problems.map((p) => [p.file, p]));
    expect(Object.keys(problems).sort()).toEqual(['b/BraTS-GLI-00002-000-seg.nii.gz', 'b/BraTS-GLI-00002-000-t2w.nii.gz', 'b/notes.txt']);
    expect(problems['b/BraTS-GLI-00002-000-seg.nii.gz']!.code).toBe('LABEL_GRID');
    expect(problems['b/notes.txt']!.message).toMatch(/notes\.txt: expected a NIfTI .* or DICOM file, found a \.txt file/);
    expect(problems['b/BraTS-GLI-00002-000-t2w.nii.gz']!.message).toContain('BraTS-GLI-00002-000-t2w.nii.gz');
    // the T2 is there but unreadable: its case says so, not that it is missing
    expect(b!.unreadable).toEqual(['t2']);
    expect(a!.unreadable).toBeUndefined();
    expect(sequenceGaps(b!)).toBe('missing t1ce; t2 unreadable');
    // beside its file's name, the problem does not name the file again
    const t2 = problems['b/BraTS-GLI-00002-000-t2w.nii.gz']!;
    expect(problemDetail(t2)).not.toContain('BraTS-GLI-00002-000-t2w');
    expect(t2.message.endsWith(problemDetail(t2))).toBe(true);
    expect(problemDetail({ file: 'x/y.nii', message: 'other: no' })).toBe('other: no');
  });
});

describe('discoverCases: which NIfTI file is the label', () => {
  const img = (v: number) => vol(new Int16Array(24).fill(v));
  const tumour = vol(new Uint8Array(24).map((_, i) => (i === 5 ? 4 : i === 6 ? 2 : 0)));
  const brainMask = vol(new Uint8Array(24).map((_, i) => (i % 3 ? 1 : 0)));
  const sequences = ['flair', 't1', 't1ce', 't2'].map((s, i) => niftiFile(`P01/P01_${s}.nii.gz`, img(i + 1)));

  it("passes on, in the case's notes, what the NIfTI reader had to repair, by file", async () => {
    const withNaN = new Float32Array(24).fill(1);
    withNaN[5] = NaN;
    const files = ['t1', 't1ce', 't2', 'flair'].map((s) => niftiFile(`P09/P09_${s}.nii.gz`, vol(s === 't2' ? withNaN : new Float32Array(24).fill(1))));
    const report = await discoverCases(files);
    expect(report.cases[0]!.notes).toEqual(['P09_t2.nii.gz: 1 voxels were NaN or infinite and were set to 0']);
  });

  it('reads a name decomposed (NFD, as macOS writes it) and one composed (NFC) as the same case', async () => {
    const folder = 'Zürich_01';
    const files = ['t1', 't1ce', 't2', 'flair'].map((s, i) => niftiFile(`${i === 0 ? folder.normalize('NFD') : folder}/${folder}_${s}.nii.gz`, vol(new Float32Array(24).fill(1))));
    const report = await discoverCases(files);
    expect(report.cases.map((c) => [c.id, c.missing])).toEqual([[`${folder}/${folder}`, []]]);
  });

  it('takes P01_seg as the label, not P01_mask (a brain mask), in folder order', async () => {
    // as a folder listing gives them: P01_mask sorts before P01_seg
    const files = [sequences[0]!, niftiFile('P01/P01_mask.nii.gz', brainMask), niftiFile('P01/P01_seg.nii.gz', tumour), ...sequences.slice(1)];
    const report = await discoverCases(files);
    expect(report.problems).toEqual([]);
    expect(report.cases).toHaveLength(1);
    const c = report.cases[0]!;
    expect(c.id).toBe('P01/P01');
    expect(c.missing).toEqual([]);
    expect(c.hasLabel).toBe(true);
    expect(c.sources.label).toBe('P01/P01_seg.nii.gz');
    expect(Array.from((await c.loadImaging!()).label!.data)).toEqual(Array.from(tumour.data));
    expect(report.unassigned).toHaveLength(1);
    const mask = report.unassigned[0]!;
    expect(mask.id).toBe('P01/P01_mask.nii.gz');
    expect(mask.description).toBe('P01_mask.nii.gz');
    expect(mask.reason).toMatch(/brain mask .* not used as the tumour label: expected the label named <case>_seg/);
  });

  it('never takes a mask as the label, even when the case has no other', async () => {
    const files = [...sequences, niftiFile('P01/P01_brain_mask.nii.gz', brainMask), niftiFile('P01/P01-mask.nii.gz', brainMask)];
    const report = await discoverCases(files);
    expect(report.cases.map((c) => [c.id, c.hasLabel, c.missing])).toEqual([['P01/P01', false, []]]);
    expect((await report.cases[0]!.loadImaging!()).label).toBeUndefined();
    expect(report.unassigned.map((u) => u.id).sort()).toEqual(['P01/P01-mask.nii.gz', 'P01/P01_brain_mask.nii.gz']);
    for (const u of report.unassigned) expect(u.reason).toMatch(/mask .* not used as the tumour label/);
  });

  it('refuses a label of the images\' size that its affine places elsewhere (predictions are compared voxel by voxel)', async () => {
    const shifted = { ...tumour, affine: tumour.affine.map((x, i) => (i === 3 ? x + 10 : x)) };
    const report = await discoverCases([...sequences, niftiFile('P01/P01_seg.nii.gz', shifted)]);
    expect(report.cases[0]!.hasLabel).toBe(false);
    expect(report.problems.map((p) => [p.file, p.code])).toEqual([['P01/P01_seg.nii.gz', 'LABEL_GRID']]);
    expect(report.problems[0]!.message).toContain('found the same size placed elsewhere by its affine');
    expect(report.problems[0]!.message).toContain('first voxel at (10, 0, 0) mm against (0, 0, 0) mm');
  });

  it('names both files when two look like the label of one case', async () => {
    const files = [...sequences, niftiFile('P01/P01_label.nii.gz', tumour), niftiFile('P01/P01_seg.nii.gz', tumour)];
    // whatever order the browser lists them in: the first in path order is used
    expect((await discoverCases([...files].reverse())).cases[0]!.sources.label).toBe('P01/P01_label.nii.gz');
    const report = await discoverCases(files);
    expect(report.cases[0]!.sources.label).toBe('P01/P01_label.nii.gz');
    expect(report.unassigned).toHaveLength(1);
    expect(report.unassigned[0]!.id).toBe('P01/P01_seg.nii.gz');
    expect(report.unassigned[0]!.reason).toBe(
      'expected one label for case P01/P01, found two: P01_label.nii.gz (used) and P01_seg.nii.gz (not used); remove or rename the one that is not the tumour label',
    );
  });
});

describe('discoverCases on DICOM', () => {
  function study(folder: string, descriptions: string[], dims: [number, number, number] = [4, 4, 3]) {
    const studyUid = testUid();
    return descriptions.flatMap((d, i) => syntheticDicomSeries({ dims, studyUid, description: d, seriesNumber: i + 1, folder: `${folder}/s${i + 1}` }));
  }

  it('makes one case per study, matching series to sequences by description, and allows assignment by hand', async () => {
    const one = study('patient1', ['AX T1 SE', 'AX T1 POST GD', 'AX T2 FSE', 'AX FLAIR', '3-plane localizer', 'AX T1 SE repeat']);
    const two = study('patient2', ['AX FLAIR'], [4, 4, 2]);
    const report = await discoverCases([...one, ...two]);
    expect(report.problems).toEqual([]);
    expect(report.cases.map((c) => c.id)).toEqual(['patient1', 'patient2/s1']);
    const [p1, p2] = report.cases;
    expect(p1!.source).toBe('dicom');
    expect(p1!.found).toEqual(['t1', 't1ce', 't2', 'flair']);
    expect((await p1!.loadImaging!()).images.t2.dims).toEqual([4, 4, 3]);
    expect(p1!.sources.t1ce).toBe('#2 "AX T1 POST GD"');
    expect(p1!.orientation).toBe('LPS');
    expect(p2!.found).toEqual(['flair']);
    expect(p2!.missing).toEqual(['t1', 't1ce', 't2']);
    const unassigned = report.unassigned.map((u) => [u.description, u.reason]);
    expect(unassigned).toHaveLength(2);
    expect(unassigned.find(([d]) => d!.includes('localizer'))![1]).toMatch(/not one of the four sequences/);
    expect(unassigned.find(([d]) => d!.includes('repeat'))![1]).toMatch(/also looks like T1/);

    const repeat = report.assignments.find((a) => a.description.includes('repeat'))!;
    const firstT1 = p1!.seriesUids!.t1!;
    const after = assignSeries(report, repeat.seriesUid, 't1');
    expect(after.cases[0]!.seriesUids!.t1).toBe(repeat.seriesUid);
    expect(after.unassigned.find((u) => u.id === firstT1)!.reason).toMatch(/replaced by .*repeat.* by hand/);
    // the original report is unchanged
    expect(report.cases[0]!.seriesUids!.t1).toBe(firstT1);
    // a PD series assigned by hand completes nothing but is taken
    const flair2 = assignSeries(after, report.assignments.find((a) => a.caseId === 'patient2/s1')!.seriesUid, null);
    expect(flair2.cases.map((c) => c.id)).toEqual(['patient1']);
    expect(() => assignSeries(report, '1.2.3', 't1')).toThrow(/no DICOM series 1\.2\.3/);
  });

  it("never mixes two patients' series into one case: a study UID reused for two patients, files without a study UID", async () => {
    const four = ['AX T1 SE', 'AX T1 POST GD', 'AX T2 FSE', 'AX FLAIR'];
    const series = (folder: string, descriptions: string[], attributes: Record<string, unknown>, studyUid?: string) =>
      descriptions.flatMap((d, i) => syntheticDicomSeries({ dims: [4, 4, 3], ...(studyUid ? { studyUid } : {}), description: d, seriesNumber: i + 1, folder: `${folder}/s${i + 1}`, attributes }));
    // one StudyInstanceUID in two patients' files (a broken anonymiser): two complete cases, said so
    const reused = testUid();
    const shared = await discoverCases([...series('reused/a', four, { PatientID: 'A' }, reused), ...series('reused/b', four, { PatientID: 'B' }, reused)]);
    expect(shared.cases.map((c) => [c.id, c.missing])).toEqual([['reused/a', []], ['reused/b', []]]);
    expect(shared.unassigned).toEqual([]);
    for (const c of shared.cases) expect(c.notes).toContain("its StudyInstanceUID also names another patient's series (another PatientID): they were kept apart as another case");
    // no StudyInstanceUID at all: each folder is a study of its own; half a case each, not one mixed case
    const noUid = await discoverCases([
      ...series('mix/a', four.slice(0, 2), { StudyInstanceUID: undefined }),
      ...series('mix/b', four.slice(2), { StudyInstanceUID: undefined }),
    ]);
    expect(noUid.cases.map((c) => [c.id, c.found])).toEqual([['mix/a', ['t1', 't1ce']], ['mix/b', ['t2', 'flair']]]);
    expect(noUid.cases[0]!.notes).toContain('its files have no StudyInstanceUID: the series in its folder were taken as one study');
  });

  it('gives a DICOM study an id no NIfTI case has', async () => {
    const dicom = study('site/P001', ['AX T1 SE', 'AX FLAIR']);
    const nifti = ['t1', 't1ce', 't2', 'flair'].map((s) => niftiFile(`site/P001_${s}.nii.gz`, vol(new Float32Array(24).fill(1))));
    const report = await discoverCases([...dicom, ...nifti]);
    const ids = report.cases.map((c) => c.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toContain('site/P001');
    expect(report.cases.find((c) => c.source === 'dicom')!.id).toMatch(/^site\/P001 \(study [0-9.]+\)$/);
  });

  it('takes a GE T2 FLAIR as FLAIR and the T1 FLAIR as T1 (T1Gd after contrast), whatever their sizes', async () => {
    const studyUid = testUid();
    // a typical GE brain tumour protocol; the T1 FLAIRs have more slices than the T2 FLAIR
    const protocol: [string, number][] = [['AX T1 FLAIR', 6], ['AX T2 FRFSE', 4], ['AX T2 FLAIR', 4], ['AX T1 FLAIR POST', 6]];
    const files = protocol.flatMap(([description, nz], i) =>
      syntheticDicomSeries({ dims: [4, 4, nz], studyUid, description, seriesNumber: i + 1, folder: `ge/s${i + 1}` }));
    const report = await discoverCases(files);
    expect(report.problems).toEqual([]);
    expect(report.unassigned).toEqual([]);
    const c = report.cases[0]!;
    expect(c.missing).toEqual([]);
    expect(c.sources).toEqual({ t1: '#1 "AX T1 FLAIR"', t2: '#2 "AX T2 FRFSE"', flair: '#3 "AX T2 FLAIR"', t1ce: '#4 "AX T1 FLAIR POST"' });
    expect(report.assignments.map((a) => [a.description, a.sequence, a.how])).toEqual([
      ['#1 "AX T1 FLAIR"', 't1', 'rule'],
      ['#2 "AX T2 FRFSE"', 't2', 'rule'],
      ['#3 "AX T2 FLAIR"', 'flair', 'rule'],
      ['#4 "AX T1 FLAIR POST"', 't1ce', 'rule'],
    ]);
  });

  it('takes "AX T1 PRE GD" as the T1 and "AX T1 POST GD" as T1Gd', async () => {
    const studyUid = testUid();
    const protocol: [string, number][] = [['AX T1 PRE GD 3D', 8], ['AX T1 POST GD', 4], ['AX T2', 4], ['AX FLAIR', 4]];
    const files = protocol.flatMap(([description, nz], i) =>
      syntheticDicomSeries({ dims: [4, 4, nz], studyUid, description, seriesNumber: i + 1, folder: `p/s${i + 1}` }));
    const report = await discoverCases(files);
    expect(report.unassigned).toEqual([]);
    expect(report.cases[0]!.sources).toEqual({ t1: '#1 "AX T1 PRE GD 3D"', t1ce: '#2 "AX T1 POST GD"', t2: '#3 "AX T2"', flair: '#4 "AX FLAIR"' });
  });
});

describe('discoverCases on stored files changed after the folder was read', () => {
  /** a labelled NIfTI case as StoredFiles read from `now` (plain .nii: a changed header keeps the length) */
  const stored = () => {
    const now = new Map<string, ArrayBuffer>();
    const put = (role: string, v: Volume<VoxelArray>) => now.set(`c/X_${role}.nii`, niftiFile(`c/X_${role}.nii`, v, false).bytes);
    for (const s of ['t1', 't1ce', 't2', 'flair']) put(s, vol(new Float32Array(24).fill(1)));
    put('seg', vol(new Uint8Array(24).fill(1)));
    const files = [...now.keys()].map((name) => ({ name, size: now.get(name)!.byteLength, read: async () => now.get(name)! }));
    return { files, put };
  };

  it('names a sequence moved onto another grid, and a label with other values, as FILE_CHANGED', async () => {
    const { files, put } = stored();
    const report = await discoverCases(files);
    const c = report.cases[0]!;
    expect(c.hasLabel).toBe(true);
    await expect(c.loadImaging!()).resolves.toMatchObject({ id: 'c/X' });
    // the same voxels, 5 mm along x: the same bytes long
    put('t2', { ...vol(new Float32Array(24).fill(1)), affine: [1, 0, 0, 5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
    await expect(c.loadImaging!()).rejects.toMatchObject({
      code: 'FILE_CHANGED',
      message: 'c/X_t2.nii: expected the file read when the folder was chosen (for case c/X), found a volume on another grid (4x3x2 at 1x1x1 mm RAS, first voxel at (5, 0, 0) mm, not 4x3x2 at 1x1x1 mm RAS, first voxel at (0, 0, 0) mm); it was changed since: choose the folder again',
    });
    put('t2', vol(new Float32Array(24).fill(1)));
    put('seg', vol(new Uint8Array(24).fill(7)));
    await expect(c.loadImaging!()).rejects.toMatchObject({
      code: 'FILE_CHANGED',
      message: expect.stringMatching(/^c\/X_seg\.nii: .*found other label values: expected label values \{0, 1, 2, 4\}.*found also 7; it was changed since: choose the folder again$/),
    });
  });
});
