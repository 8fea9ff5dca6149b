/**
 * The cases of a new participation, prepared and kept: any older copy of the federation's
 * cases is deleted, each case is prepared in turn and stored at once (ParticipationCases),
 * the site hears what was left out, what the cases hold and whether the browser's storage
 * will take them, and the manifest that makes the participation resumable is written once
 * every case is stored. The caller runs the rounds on the result.
 */
import type { SiteData } from '../core/protocol/client/runSite.ts';
import { caseBytes, type CaseCache } from '../core/train/caseCache.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { FedsegError } from '../core/util/errors.ts';
import { ParticipationCases } from './participationCases.ts';
import { preparedNotice, storageShortNotice, type StorageEstimateLike } from './preparedNotice.ts';
import type { SiteCases } from './siteCases.ts';
import type { NoticeTone } from './workerApi.ts';
import { caseStorage, siteStore } from './siteStore.ts';

export interface PrepareParticipationOptions {
  readonly baseUrl: string;
  readonly patchSize: number;
  readonly validationFraction: number;
  /** the tab's cases in memory, shared with the run */
  readonly cache: CaseCache;
  /** Stop was asked for: the preparation ends at the next case, and nothing trains */
  readonly stopRequested: () => boolean;
  /** told before each case is prepared (done so far, of all) */
  readonly onCase: (done: number, total: number) => void;
  readonly notice: (message: string, tone: NoticeTone) => void;
}

/** The prepared participation; `stopped` when Stop ended it (nothing trains then). */
export type PreparedParticipation =
  | { readonly stopped: true }
  | { readonly stopped: false; readonly data: SiteData; readonly resumable: boolean };

/** What this browser says of its storage (in a Worker too); undefined when it does not say. */
async function browserStorageEstimate(): Promise<StorageEstimateLike | undefined> {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimateLike> } } }).navigator?.storage;
  return storage?.estimate ? storage.estimate().catch(() => undefined) : undefined;
}

/** NO_TRAINING_CASES when none can train; any other error as it came (the caller deletes what was stored). */
export async function prepareParticipation(cases: SiteCases, o: PrepareParticipationOptions): Promise<PreparedParticipation> {
  const kept = new ParticipationCases(caseStorage(o.baseUrl), o.cache);
  let total = 0;
  let estimated = false;
  const keep = async (c: TrainingCase): Promise<void> => {
    await kept.keep(c);
    if (estimated) return;
    estimated = true;
    // once the first case is stored, its size says whether the others will fit in the browser's storage
    // (the estimate's usage holds the first one already)
    const short = storageShortNotice(caseBytes(c) * (total - 1), await browserStorageEstimate());
    if (short) o.notice(short, 'warning');
  };
  // an older copy must neither be resumed instead of these cases nor lie beside them
  await siteStore.deleteCases(o.baseUrl);
  const split = await cases.siteData(o.patchSize, o.validationFraction, keep, {
    before: (done, all) => {
      total = all;
      if (o.stopRequested()) return true;
      o.onCase(done, all);
      return false;
    },
  });
  if (split.stopped || o.stopRequested()) return { stopped: true };
  const leftOut = split.failed.map((f) => f.message).join('; ');
  if (split.train.length === 0) {
    throw new FedsegError('NO_TRAINING_CASES', `no usable training case: load a folder with complete, labelled cases first${leftOut ? ` (left out: ${leftOut})` : ''}`);
  }
  for (const f of split.failed) o.notice(`Case ${f.caseId} is left out of training: ${f.message}. The other cases train.`, 'warning');
  o.notice(preparedNotice(split.train.length, split.validation.length, kept.bytesOf([...split.train, ...split.validation]), o.cache.budgetBytes), 'info');
  // the copy is only for resuming after a reload: a full quota must not keep the site out
  let unstored = kept.storageFailure;
  if (unstored === undefined) {
    try {
      await siteStore.putCaseManifest({ baseUrl: o.baseUrl, format: 2, train: split.train, validation: split.validation });
    } catch (e) {
      unstored = e instanceof Error ? e.message : String(e);
    }
  }
  if (unstored !== undefined) {
    o.notice(`The prepared cases could not all be kept in this browser (${unstored}): training goes on, holding those in this tab, but a reload cannot resume it.`, 'warning');
  }
  return { stopped: false, data: { train: kept.caseSet(split.train), validation: kept.caseSet(split.validation) }, resumable: unstored === undefined };
}
