/**
 * A site's training or validation cases as training and evaluation read them: an array
 * held in memory (the simulator, the Node collaborator), or a CaseSet that loads each
 * case when it is needed, so that a site's memory need not grow with its number of cases
 * (the page: its prepared cases kept in IndexedDB, at most a CaseCache's budget of them in
 * memory; cachedCaseSet.ts).
 */
import type { TrainingCase } from '../types/case.ts';

export interface CaseSet {
  readonly length: number;
  /** the case at `index` (0 <= index < length) */
  load(index: number): Promise<TrainingCase>;
}

export type CaseList = readonly TrainingCase[] | CaseSet;

/** The case at `index`: at once from an array, else loaded. */
export function loadCase(cases: CaseList, index: number): TrainingCase | Promise<TrainingCase> {
  return isCaseSet(cases) ? cases.load(index) : cases[index]!;
}

export function isCaseSet(cases: CaseList): cases is CaseSet {
  return !Array.isArray(cases);
}
