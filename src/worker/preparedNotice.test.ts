import { describe, expect, it } from 'vitest';
import { caseBytes } from '../core/train/caseCache.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { preparedNotice, storageShortNotice } from './preparedNotice.ts';

describe('preparedNotice', () => {
  // a BraTS case prepared for 64^3 patches: its image on the brain's box (halves), its labels on the 192^3 grid
  const brats: TrainingCase = {
    id: 'c', dims: [192, 192, 192], spacing: [1, 1, 1], image: new Uint16Array(4 * 134 * 160 * 137),
    imageBox: { start: [29, 16, 27], dims: [134, 160, 137] }, label: new Uint8Array(192 ** 3),
  };

  it('counts the cases and what they hold, all in the tab while within its budget', () => {
    expect(caseBytes(brats)).toBe(30_576_128);
    expect(preparedNotice(2, 1, 3 * caseBytes(brats))).toBe(
      'Prepared 2 training cases and 1 validation case: 92 MB (about 30 MB for each BraTS-sized case), kept in this browser\'s storage until the participation ends; all held in this tab while the site takes part.',
    );
    expect(preparedNotice(1, 0, 1000)).toMatch(/^Prepared 1 training case and 0 validation cases: 0\.0 MB /);
  });

  it('says how much the tab holds when the cases are more than its budget', () => {
    expect(preparedNotice(90, 10, 100 * caseBytes(brats))).toMatch(
      /: 3\.1 GB .*; this tab holds up to 2\.0 GB of them at a time, and reads the others back from this browser's storage as training draws them \(slower\)\.$/,
    );
    expect(preparedNotice(3, 0, 3000, 2000)).toMatch(/holds up to 0\.0 MB of them at a time/);
  });
});

describe('storageShortNotice', () => {
  it('warns when the cases will not fit in what the browser allows, saying both sizes', () => {
    expect(storageShortNotice(3.1e9, { quota: 2e9, usage: 0.5e9 })).toBe(
      "The cases still to prepare will need about 3.1 GB of this browser's storage, and it allows about 1.5 GB more: those that do not fit are held in this tab instead, and a reload cannot resume this participation (free some disk space, or leave cases out on the Scans tab).",
    );
    expect(storageShortNotice(1e6, { quota: 1e6, usage: 2e6 })).toMatch(/allows about 0\.0 MB more/);
  });

  it('says nothing when they fit, or when the browser does not say', () => {
    expect(storageShortNotice(1e9, { quota: 2e9, usage: 0.5e9 })).toBeUndefined();
    expect(storageShortNotice(1e9, { quota: 2e9 })).toBeUndefined();
    expect(storageShortNotice(1e9, {})).toBeUndefined();
    expect(storageShortNotice(1e9, undefined)).toBeUndefined();
  });
});
