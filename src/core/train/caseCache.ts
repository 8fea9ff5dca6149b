/**
 * The prepared cases a site holds in memory: the most recently used ones, up to a budget
 * of bytes (the least recently used go first). The others are read again from where they
 * are stored when training or evaluation draws them (cachedCaseSet.ts), so that a site's
 * memory does not grow with its number of cases.
 */
import type { TrainingCase } from '../types/case.ts';

/** The bytes a prepared case holds: its image (halves) and its labels. */
export function caseBytes(c: Pick<TrainingCase, 'image' | 'label'>): number {
  return c.image.byteLength + (c.label?.byteLength ?? 0);
}

/**
 * What a page holds of its site's prepared cases at a time, at most: 2 GB, about 65
 * BraTS-sized cases at 64^3 patches (31 MB each, docs/page.md). A site with fewer holds
 * them all.
 */
export const CASE_MEMORY_BUDGET = 2e9;

/**
 * The budget for a machine of `deviceMemoryGb` GB (the browser's `navigator.deviceMemory`,
 * which Chromium rounds and caps at 8): a quarter of it, from 256 MB up to
 * CASE_MEMORY_BUDGET; CASE_MEMORY_BUDGET when the browser does not say.
 */
export function caseMemoryBudget(deviceMemoryGb: number | undefined): number {
  if (deviceMemoryGb === undefined || !(deviceMemoryGb > 0)) return CASE_MEMORY_BUDGET;
  return Math.min(CASE_MEMORY_BUDGET, Math.max(0.25e9, (deviceMemoryGb * 1e9) / 4));
}

export class CaseCache {
  /** insertion order is recency: the first entry is the least recently used */
  private readonly entries = new Map<string, TrainingCase>();
  private held = 0;

  constructor(readonly budgetBytes: number = CASE_MEMORY_BUDGET) {
    if (!(budgetBytes >= 0)) throw new RangeError(`case memory budget: expected bytes >= 0, found ${budgetBytes}`);
  }

  /** The case kept under `key`, now the most recently used; undefined when it is not held. */
  get(key: string): TrainingCase | undefined {
    const c = this.entries.get(key);
    if (c) {
      this.entries.delete(key);
      this.entries.set(key, c);
    }
    return c;
  }

  /**
   * Keeps the case as the most recently used, letting the least recently used go while the
   * budget is exceeded. A case larger than the whole budget is not kept.
   */
  put(key: string, c: TrainingCase): void {
    this.delete(key);
    const bytes = caseBytes(c);
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, c);
    this.held += bytes;
    for (const [k, v] of this.entries) {
      if (this.held <= this.budgetBytes) break;
      this.entries.delete(k);
      this.held -= caseBytes(v);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.held -= caseBytes(old);
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** the bytes of the cases held now */
  get heldBytes(): number {
    return this.held;
  }

  /** the keys held, least recently used first */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
