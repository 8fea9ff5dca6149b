import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { multiply } from '../core/geometry/mat4.ts';
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import type { ImagingCase, TrainingCase } from '../core/types/case.ts';
import { SEQUENCES } from '../core/types/sequences.ts';
import { writeNifti, writeNiftiLabels } from '../io/nifti/writeNifti.ts';
import { sharedData } from '../node/sharedData.ts';
import { syntheticDicomSeries, testUid } from '../io/dicom/testing/syntheticDicom.ts';
import { SiteCases } from './siteCases.ts';
import type { DiscoveredCase } from '../io/discovery/discoveryReport.ts';
import type { LocalFile } from './workerApi.ts';

describe('SiteCases.load', () => {
  it('lists a file the browser cannot read, by path, and reads the others', async () => {
    const prefix = 'BraTS19_TCIA08_105_1_';
    const readable: LocalFile[] = ['t1', 't1ce', 't2', 'flair', 'seg_GroundTruth'].map((s) => {
      const name = `${prefix}${s}.nii.gz`;
      return { path: `case/${name}`, file: new File([readFileSync(sharedData('brats', name))], name) };
    });
    const gone = { path: 'case/notes/vanished.dcm', file: { size: 10, arrayBuffer: () => Promise.reject(new Error('The requested file could not be read')) } as unknown as File };
    const cases = new SiteCases();
    const progress: number[] = [];
    // an entry the page could not open (a broken link) is listed with those the Worker could not read
    const unopened = { file: 'case/link.nii.gz', code: 'FILE_UNREADABLE', message: 'case/link.nii.gz: expected a readable file, found one the browser could not open (NotFoundError)' };
    await cases.load([readable[0]!, gone, ...readable.slice(1)], (done) => progress.push(done), [unopened]);
    const summary = cases.summary(0.2);
    expect(summary.problems).toEqual([unopened, {
      file: 'case/notes/vanished.dcm', code: 'FILE_UNREADABLE',
      message: 'case/notes/vanished.dcm: expected a readable file, found one that could not be read (The requested file could not be read)',
    }]);
    expect(summary.cases).toHaveLength(1);
    expect(summary.files).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('SiteCases keeps File objects, not their bytes', () => {
  /** the shared BraTS case as the browser hands it over, counting each file's reads; `vanish` makes them fail from then on */
  const counted = () => {
    const prefix = 'BraTS19_TCIA08_105_1_';
    const reads = new Map<string, number>();
    let gone = false;
    const files: LocalFile[] = ['t1', 't1ce', 't2', 'flair', 'seg_GroundTruth'].map((s) => {
      const name = `${prefix}${s}.nii.gz`;
      const real = new File([readFileSync(sharedData('brats', name))], name);
      const file = {
        size: real.size,
        arrayBuffer: () => {
          reads.set(name, (reads.get(name) ?? 0) + 1);
          return gone ? Promise.reject(new Error('NotFoundError: the file was moved')) : real.arrayBuffer();
        },
      } as unknown as File;
      return { path: `case/${name}`, file };
    });
    return { files, reads, vanish: () => void (gone = true) };
  };

  it('reads each file once to list the cases, and again (one case at a time) to prepare one', async () => {
    const { files, reads } = counted();
    const cases = new SiteCases();
    await cases.load(files);
    expect([...reads.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(cases.summary(0).bytes).toBe(files.reduce((n, f) => n + f.file.size, 0));
    await cases.imaging(cases.summary(0).cases[0]!.id);
    expect([...reads.values()]).toEqual([2, 2, 2, 2, 2]);
  });

  it('names the file and says what to do when it can no longer be read for its case', async () => {
    const { files, vanish } = counted();
    const cases = new SiteCases();
    await cases.load(files);
    vanish();
    const id = cases.summary(0).cases[0]!.id;
    await expect(cases.imaging(id)).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(/^case\/BraTS19_TCIA08_105_1_\w+\.nii\.gz: expected to read it again for case .*, found that it can no longer be read \(NotFoundError: the file was moved\).*choose the folder again$/),
    });
  });
});

describe('SiteCases.load, twice at once', () => {
  it('refuses a second folder while the first is read, and reads one once that is done', async () => {
    const name = 'BraTS19_TCIA08_105_1_t1.nii.gz';
    const file: LocalFile = { path: `case/${name}`, file: new File([readFileSync(sharedData('brats', name))], name) };
    const cases = new SiteCases();
    const first = cases.load([file]);
    await expect(cases.load([file])).rejects.toMatchObject({ code: 'LOAD_BUSY' });
    await first;
    await cases.load([file]);
    expect(cases.summary(0).files).toBe(1);
  });
});

describe('SiteCases.siteData', () => {
  /** a synthetic case as the browser hands its BraTS-named NIfTI files over */
  const caseFiles = (c: ImagingCase): LocalFile[] => {
    const files: [string, Uint8Array][] = SEQUENCES.map((s) => [`${c.id}_${s}.nii.gz`, writeNifti(c.images[s], { gzip: true })]);
    files.push([`${c.id}_seg.nii.gz`, writeNiftiLabels(c.label!.data, c.label!, { gzip: true })]);
    return files.map(([name, bytes]) => ({ path: `${c.id}/${name}`, file: new File([bytes as Uint8Array<ArrayBuffer>], name) }));
  };

  /** collects the cases siteData hands over */
  const keeper = (into: TrainingCase[]) => async (c: TrainingCase): Promise<void> => void into.push(c);

  it('leaves out a case that cannot be prepared, with its reason, and trains the others', async () => {
    const good = [1, 2, 3].map((i) => syntheticCase({ seed: i, size: 24, id: `Good_${i}` }));
    const bad = syntheticCase({ seed: 9, size: 24, id: 'Moved_1' });
    // its T2 500 mm away from the other sequences: discovery cannot tell, preparing can
    const t2 = bad.images.t2;
    const moved: ImagingCase = { ...bad, images: { ...bad.images, t2: { ...t2, affine: multiply([1, 0, 0, 500, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], t2.affine) } } };
    const cases = new SiteCases();
    await cases.load([...good, moved].flatMap(caseFiles));
    expect(cases.summary(0).cases.map((c) => c.role)).toEqual(['train', 'train', 'train', 'train']);
    const kept: TrainingCase[] = [];
    const data = await cases.siteData(16, 0.34, keeper(kept));
    expect(data.failed).toEqual([expect.objectContaining({ caseId: 'Moved_1/Moved_1', code: 'PREPARE_GRID_MISMATCH' })]);
    expect([...data.train, ...data.validation].sort()).toEqual(['Good_1/Good_1', 'Good_2/Good_2', 'Good_3/Good_3']);
    // each case was handed over prepared, one at a time, for the model's patch size
    expect(kept.map((c) => c.id)).toEqual(['Good_1/Good_1', 'Good_2/Good_2', 'Good_3/Good_3']);
    for (const c of kept) expect(c.dims.every((d) => d % 16 === 0)).toBe(true);
    expect(data.train.length).toBeGreaterThan(0);
    const summary = cases.summary(0.34);
    const left = summary.cases.find((c) => c.id === 'Moved_1/Moved_1')!;
    expect(left.role).toBe('unusable');
    expect(left.reason).toMatch(/^it could not be prepared for training: case Moved_1\/Moved_1: expected t2 to overlap t1's grid/);
    expect(summary.train + summary.validation).toBe(3);
  });

  it('refuses cases prepared across a change of the sequence assignments (the volumes are read asynchronously)', async () => {
    const good = [1, 2].map((i) => syntheticCase({ seed: i, size: 24, id: `Good_${i}` }));
    const study = testUid();
    const dicom = syntheticDicomSeries({ dims: [8, 8, 4], studyUid: study, description: 'T2 AX', folder: 'dicom/s1' });
    const cases = new SiteCases();
    await cases.load([...good.flatMap(caseFiles), ...dicom.map((f) => ({ path: f.name, file: new File([f.bytes], f.name.split('/').pop()!) }))]);
    const series = cases.summary(0).assignments[0]!.seriesUid;
    // count the reads of Good_1's volumes (its case record outlives the assignment)
    const good1 = cases.find('Good_1/Good_1') as { loadImaging?: DiscoveredCase['loadImaging'] };
    const load = good1.loadImaging!;
    let reads = 0;
    good1.loadImaging = () => (reads++, load());
    const preparing = cases.siteData(16, 0, keeper([]));
    // the page assigns a series while the Worker prepares
    cases.assign(series, 'flair');
    await expect(preparing).rejects.toMatchObject({ code: 'DATA_CHANGED' });
    expect(reads).toBe(1);
    // nothing prepared then is kept: the cases are prepared again, as they are now
    const data = await cases.siteData(16, 0, keeper([]));
    expect(reads).toBe(2);
    expect([...data.train].sort()).toEqual(['Good_1/Good_1', 'Good_2/Good_2']);
  });

  it('leaves out a case unticked while the cases were prepared', async () => {
    const good = [1, 2, 3].map((i) => syntheticCase({ seed: i, size: 24, id: `Good_${i}` }));
    const cases = new SiteCases();
    await cases.load(good.flatMap(caseFiles));
    const preparing = cases.siteData(16, 0, keeper([]));
    cases.exclude('Good_3/Good_3', true);
    const data = await preparing;
    expect([...data.train].sort()).toEqual(['Good_1/Good_1', 'Good_2/Good_2']);
    expect(cases.summary(0).cases.map((c) => c.role)).toEqual(['train', 'train', 'excluded']);
  });
});
