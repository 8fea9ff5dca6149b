/**
 * The prepared cases of one participation: each stored (in IndexedDB) as soon as it is
 * prepared, and a bounded number held in the tab (CaseCache), so that the tab's memory
 * does not grow with the site's number of cases. Training and validation read them as
 * CaseSets. A case that cannot be stored (a full quota) is pinned in memory instead: the
 * participation then goes on, but cannot be resumed after a reload.
 */
import { CachedCaseSet } from '../core/train/cachedCaseSet.ts';
import { caseBytes, type CaseCache } from '../core/train/caseCache.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { FedsegError } from '../core/util/errors.ts';

/** Where a site's prepared cases are kept, by case id. */
export interface CaseStorage {
  put(c: TrainingCase): Promise<unknown>;
  /** undefined when the case is not stored */
  get(caseId: string): Promise<TrainingCase | undefined>;
}

export class ParticipationCases {
  private readonly pinned = new Map<string, TrainingCase>();
  private readonly bytes = new Map<string, number>();
  private failure: string | undefined;

  constructor(private readonly storage: CaseStorage, private readonly cache: CaseCache) {}

  /** Stores a prepared case and holds it in the cache; one that cannot be stored is pinned in memory instead (outside the cache's budget). */
  async keep(c: TrainingCase): Promise<void> {
    this.bytes.set(c.id, caseBytes(c));
    try {
      await this.storage.put(c);
    } catch (e) {
      this.pinned.set(c.id, c);
      this.failure ??= e instanceof Error ? e.message : String(e);
      return;
    }
    this.cache.put(c.id, c);
  }

  /** Why some case could not be stored (the first failure); undefined when all were. */
  get storageFailure(): string | undefined {
    return this.failure;
  }

  /** the bytes of the cases kept by `keep` among `ids` */
  bytesOf(ids: readonly string[]): number {
    return ids.reduce((n, id) => n + (this.bytes.get(id) ?? 0), 0);
  }

  /** The cases `ids` (kept by `keep`, or stored by an earlier page) as training reads them. */
  caseSet(ids: readonly string[]): CachedCaseSet {
    return new CachedCaseSet(ids, (id) => this.read(id), this.cache, (id) => this.pinned.get(id));
  }

  private async read(caseId: string): Promise<TrainingCase> {
    const c = await this.storage.get(caseId);
    if (!c) {
      throw new FedsegError('CASE_MISSING', `case ${caseId}: expected its prepared copy in this browser's storage, found none (was the site's data cleared?); stop, and take part again to prepare the cases anew`);
    }
    return c;
  }
}
