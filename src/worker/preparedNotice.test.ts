import { describe, expect, it } from 'vitest';
import type { TrainingCase } from '../core/types/case.ts';
import { preparedNotice } from './preparedNotice.ts';

const caseOf = (voxels: number, labelled = true): TrainingCase => ({
  id: 'c', dims: [voxels, 1, 1], spacing: [1, 1, 1], image: new Uint16Array(4 * voxels), ...(labelled ? { label: new Uint8Array(voxels) } : {}),
});

describe('preparedNotice', () => {
  it('counts the cases and the bytes of their images (halves) and labels', () => {
    // 138x164x141 voxels: 25.5 MB of image and 3.2 MB of labels, as the shared BraTS case prepared
    const brats = caseOf(138 * 164 * 141);
    expect(preparedNotice([brats, brats], [brats])).toMatch(/^Prepared 2 training cases and 1 validation case: 86 MB held in this tab .*about 29 MB for each BraTS-sized case/);
    expect(preparedNotice(Array.from({ length: 40 }, () => brats), [])).toMatch(/^Prepared 40 training cases and 0 validation cases: 1\.1 GB held/);
    expect(preparedNotice([caseOf(1000, false)], [])).toMatch(/: 0\.0 MB held/);
  });
});
