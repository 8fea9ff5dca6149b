/**
 * A site's training or validation cases as a CaseSet that reads each case when it is
 * drawn: from a CaseCache when held there, else from where the cases are stored (for the
 * page, IndexedDB), keeping it in the cache. A PatchSampler draws the same patches for a
 * seed from it as from the cases in an array (caseSet.ts).
 */
import type { TrainingCase } from '../types/case.ts';
import { FedsegError } from '../util/errors.ts';
import type { CaseCache } from './caseCache.ts';
import type { CaseSet } from './caseSet.ts';

export class CachedCaseSet implements CaseSet {
  constructor(
    readonly ids: readonly string[],
    /** the case stored under `id` (rejecting, with what is wrong, when it cannot be read) */
    private readonly read: (id: string) => Promise<TrainingCase>,
    private readonly cache: CaseCache,
    /** a case held in memory anyway (one that could not be stored): given as it is, not counted in the cache */
    private readonly pinned: (id: string) => TrainingCase | undefined = () => undefined,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  async load(index: number): Promise<TrainingCase> {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`case index ${index}: expected 0 to ${this.ids.length - 1}`);
    const held = this.pinned(id) ?? this.cache.get(id);
    if (held) return held;
    const c = await this.read(id);
    if (c.id !== id) throw new FedsegError('CASE_MISMATCH', `case ${id}: expected its prepared copy, found case ${c.id} stored under its name`);
    this.cache.put(id, c);
    return c;
  }
}
