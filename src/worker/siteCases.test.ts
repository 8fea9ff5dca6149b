import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../node/sharedData.ts';
import { SiteCases } from './siteCases.ts';
import type { LocalFile } from './workerApi.ts';

describe('SiteCases.load', () => {
  it('lists a file the browser cannot read, by path, and reads the others', async () => {
    const prefix = 'BraTS19_TCIA08_105_1_';
    const readable: LocalFile[] = ['t1', 't1ce', 't2', 'flair', 'seg_GroundTruth'].map((s) => {
      const name = `${prefix}${s}.nii.gz`;
      return { path: `case/${name}`, file: new File([readFileSync(sharedData('brats', name))], name) };
    });
    const gone = { path: 'case/notes/vanished.dcm', file: { arrayBuffer: () => Promise.reject(new Error('The requested file could not be read')) } as unknown as File };
    const cases = new SiteCases();
    const progress: number[] = [];
    await cases.load([readable[0]!, gone, ...readable.slice(1)], (done) => progress.push(done));
    const summary = cases.summary(0.2);
    expect(summary.problems).toEqual([{
      file: 'case/notes/vanished.dcm', code: 'FILE_UNREADABLE',
      message: 'case/notes/vanished.dcm: expected a readable file, found one the browser could not read (The requested file could not be read)',
    }]);
    expect(summary.cases).toHaveLength(1);
    expect(summary.files).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
