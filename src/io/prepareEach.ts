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

export interface PrepareEachOptions {
  /** called before each case (done so far, of all); true stops there, with what was prepared */
  readonly before?: (done: number, total: number) => boolean | void;
}

/** Prepares the cases one after the other (one case's volumes held at a time). */
export async function prepareEach<T>(
  ids: readonly string[], prepare: (id: string) => T | Promise<T>, opts: PrepareEachOptions = {},
): Promise<{ prepared: Map<string, T>; failed: PreparationFailure[]; stopped: boolean }> {
  const prepared = new Map<string, T>();
  const failed: PreparationFailure[] = [];
  for (const [i, caseId] of ids.entries()) {
    if (opts.before?.(i, ids.length) === true) return { prepared, failed, stopped: true };
    try {
      prepared.set(caseId, await prepare(caseId));
    } catch (e) {
      if (e instanceof FedsegError) failed.push({ caseId, code: e.code, message: e.message });
      else failed.push({ caseId, code: 'PREPARE_FAILED', message: `case ${caseId}: could not be prepared (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})` });
    }
  }
  return { prepared, failed, stopped: false };
}
