/**
 * Prepares every case on its own: one case that cannot be prepared (sequences that do not
 * overlap, all-zero images, values beyond float32, a grid too large for memory) is left
 * out with its reason, and the others are kept.
 */
import { FedsegError } from '../core/util/errors.ts';

/** A case left out, and why. */
export interface PreparationFailure {
  readonly caseId: string;
  /** the FedsegError's code; PREPARE_FAILED for any other error (out of memory) */
  readonly code: string;
  readonly message: string;
}

/** Prepares the cases one after the other (one case's volumes held at a time). */
export async function prepareEach<T>(ids: readonly string[], prepare: (id: string) => T | Promise<T>): Promise<{ prepared: Map<string, T>; failed: PreparationFailure[] }> {
  const prepared = new Map<string, T>();
  const failed: PreparationFailure[] = [];
  for (const caseId of ids) {
    try {
      prepared.set(caseId, await prepare(caseId));
    } catch (e) {
      if (e instanceof FedsegError) failed.push({ caseId, code: e.code, message: e.message });
      else failed.push({ caseId, code: 'PREPARE_FAILED', message: `case ${caseId}: could not be prepared (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})` });
    }
  }
  return { prepared, failed };
}
