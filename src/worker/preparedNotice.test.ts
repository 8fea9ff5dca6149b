import { describe, expect, it } from 'vitest';
import type { TrainingCase } from '../core/types/case.ts';
import { preparedNotice } from './preparedNotice.ts';

const caseOf = (voxels: number, labelled = true): TrainingCase => ({
  id: 'c', dims: [voxels, 1, 1], spacing: [1, 1, 1], image: new Uint16Array(4 * voxels), ...(labelled ? { label: new Uint8Array(voxels) } : {}),
});

describe('preparedNotice', () => {
  it('counts the cases and the bytes of their images (halves) and labels', () => {
    // 192^3 voxels on the whole grid: 56.6 MB of image and 7.1 MB of labels
    const brats = caseOf(192 ** 3);
    expect(preparedNotice([brats, brats], [brats])).toMatch(/^Prepared 2 training cases and 1 validation case: 191 MB held in this tab/);
    expect(preparedNotice(Array.from({ length: 20 }, () => brats), [])).toMatch(/^Prepared 20 training cases and 0 validation cases: 1\.3 GB held/);
    expect(preparedNotice([caseOf(1000, false)], [])).toMatch(/: 0\.0 MB held/);
    // a prepared case holds its image on the brain's box only: what is counted is what is held
    const boxed: TrainingCase = { ...brats, image: new Uint16Array(4 * 134 * 160 * 137), imageBox: { start: [29, 16, 27], dims: [134, 160, 137] } };
    expect(preparedNotice([boxed], [])).toMatch(/: 31 MB held/);
  });
});
