/**
 * What the site is told once its cases are prepared: how many, and the memory they hold in
 * the tab while it takes part (each is kept there, and a copy in IndexedDB for resuming), so
 * that a site near its workstation's limit knows why, and what to leave out.
 */
import type { TrainingCase } from '../core/types/case.ts';

export function preparedNotice(train: readonly TrainingCase[], validation: readonly TrainingCase[]): string {
  const bytes = [...train, ...validation].reduce((n, c) => n + c.image.byteLength + (c.label?.byteLength ?? 0), 0);
  const mb = bytes / 1e6;
  const size = mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
  const cases = (n: number, what: string) => `${n} ${what} case${n === 1 ? '' : 's'}`;
  return `Prepared ${cases(train.length, 'training')} and ${cases(validation.length, 'validation')}: ${size} held in this tab while the site takes part (about 30 MB for each BraTS-sized case; untick cases on the Scans tab to need less).`;
}
