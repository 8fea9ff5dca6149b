/**
 * The review's words for what is shown: each case with its role at this site, the model
 * by the rounds it holds, and a caveat where a case's Dice flatters the model (it trained
 * on that case).
 */
import type { CaseSummary, ReviewVolume } from '../../worker/workerApi.ts';
import { formatDuration } from '../format.ts';

const ROLE_WORDS: Record<CaseSummary['role'], string> = {
  train: 'training case',
  validation: 'validation case',
  excluded: 'left out of training',
  unusable: 'not used for training',
};

/** "Sample_003 (validation case)" */
export function caseOptionText(c: Pick<CaseSummary, 'id' | 'role'>): string {
  return `${c.id} (${ROLE_WORDS[c.role]})`;
}

/** "the global model after round 22 of 100", "the initial global model (no round closed yet)", "the final model, after all 100 rounds" */
export function modelText(m: ReviewVolume['modelRound']): string {
  if (m.after <= 0) return 'the initial global model (no round closed yet)';
  if (m.after >= m.of) return m.of === 1 ? 'the final model, after the one round' : `the final model, after all ${m.of} rounds`;
  return `the global model after round ${m.after} of ${m.of}`;
}

/** A caveat for the Dice of a case the site trains on; null for the others. */
export function scoreCaveat(role: CaseSummary['role'] | undefined, hasDice: boolean): string | null {
  if (!hasDice || role !== 'train') return null;
  return 'This is one of this site\'s training cases: the model has learnt from it, so its Dice is optimistic. Judge the model on validation cases, or on cases it never saw.';
}

/** The prediction bar's label: "part 56 of 2160 · ETA 4 min 10 s" (the ETA from the pace so far, once a part is done). */
export function predictionProgressText(done: number, total: number, elapsedMs: number): string {
  const eta = done > 0 && done < total ? ` · ETA ${formatDuration((elapsedMs / done) * (total - done))}` : '';
  return `part ${done} of ${total}${eta}`;
}
