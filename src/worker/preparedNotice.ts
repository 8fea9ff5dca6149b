/**
 * What the site is told once its cases are prepared: how many, what they hold, and how
 * much of that the tab holds while the site takes part (the cases are kept in IndexedDB,
 * and at most the CaseCache's budget of them in memory), so that a site near its
 * workstation's limits knows why, and what to leave out.
 */
import { CASE_MEMORY_BUDGET } from '../core/train/caseCache.ts';
import { plural } from '../core/util/plural.ts';

const size = (bytes: number): string => {
  const mb = bytes / 1e6;
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
};

export function preparedNotice(train: number, validation: number, bytes: number, budget: number = CASE_MEMORY_BUDGET): string {
  const held = bytes <= budget
    ? 'all held in this tab while the site takes part'
    : `this tab holds up to ${size(budget)} of them at a time, and reads the others back from this browser's storage as training draws them (slower)`;
  return `Prepared ${plural(train, 'training case')} and ${plural(validation, 'validation case')}: ${size(bytes)} (about 30 MB for each BraTS-sized case), kept in this browser's storage until the participation ends; ${held}.`;
}

/** What the browser says of its storage for this origin (StorageManager.estimate()). */
export interface StorageEstimateLike {
  readonly quota?: number;
  readonly usage?: number;
}

/**
 * A warning once the first case is prepared and stored, when the others (`expectedBytes`,
 * the first case's size times their number; the first is in the estimate's usage already)
 * will not fit in what the browser allows this origin; undefined when they fit or the
 * browser does not say.
 */
export function storageShortNotice(expectedBytes: number, estimate: StorageEstimateLike | undefined): string | undefined {
  if (estimate?.quota === undefined) return undefined;
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (expectedBytes <= free) return undefined;
  return `The cases still to prepare will need about ${size(expectedBytes)} of this browser's storage, and it allows about ${size(free)} more: those that do not fit are held in this tab instead, and a reload cannot resume this participation (free some disk space, or leave cases out on the Scans tab).`;
}
