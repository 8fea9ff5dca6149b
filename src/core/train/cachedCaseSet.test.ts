import { describe, expect, it } from 'vitest';
import type { TrainingCase } from '../types/case.ts';
import { CaseCache, caseBytes } from './caseCache.ts';
import { CachedCaseSet } from './cachedCaseSet.ts';
import { PatchSampler } from './patchSampler.ts';
import { sphereCase } from './sphereCase.ts';

describe('CachedCaseSet', () => {
  const cases = [1, 2, 3].map((seed) => ({ ...sphereCase({ seed, dims: [20, 18, 16], radius: 4 }), id: `case-${seed}` }));
  /** the stored copies, read as a structured clone would give them (a new object each time) */
  const storage = new Map(cases.map((c) => [c.id, c]));

  function counted(): { reads: string[]; read: (id: string) => Promise<TrainingCase> } {
    const reads: string[] = [];
    return {
      reads,
      read: async (id) => {
        reads.push(id);
        const c = storage.get(id);
        if (!c) throw new Error(`case ${id}: not stored`);
        return { ...c, image: c.image.slice(), label: c.label!.slice() };
      },
    };
  }

  it('gives the cases in its order, reading each from storage once while the cache can hold them all', async () => {
    const { reads, read } = counted();
    const cache = new CaseCache();
    const set = new CachedCaseSet(['case-2', 'case-1'], read, cache);
    expect(set.length).toBe(2);
    expect((await set.load(0)).id).toBe('case-2');
    expect((await set.load(1)).id).toBe('case-1');
    expect(await set.load(0)).toBe(await set.load(0));
    expect(reads).toEqual(['case-2', 'case-1']);
    await expect(set.load(2)).rejects.toThrow('case index 2: expected 0 to 1');
  });

  it('draws the same patches as the cases in an array when the cache holds only one case at a time', async () => {
    const { reads, read } = counted();
    const cache = new CaseCache(caseBytes(cases[0]!));
    const set = new CachedCaseSet(cases.map((c) => c.id), read, cache);
    const fromArray = new PatchSampler(cases, { patchSize: 8, seed: 5 });
    const fromSet = new PatchSampler(set, { patchSize: 8, seed: 5 });
    for (let i = 0; i < 8; i++) {
      const a = await fromArray.next(2);
      const b = await fromSet.next(2);
      expect(b.image).toEqual(a.image);
      expect(b.labels).toEqual(a.labels);
    }
    // one case held: a draw of another case reads it again, and memory never holds two
    expect(reads.length).toBeGreaterThan(3);
    expect(cache.keys()).toHaveLength(1);
    expect(cache.heldBytes).toBeLessThanOrEqual(cache.budgetBytes);
  });

  it('passes on what reading a case found wrong, and refuses a copy of another case', async () => {
    const set = new CachedCaseSet(['case-1', 'gone'], async (id) => {
      if (id === 'gone') throw new Error('case gone: not stored');
      return cases[1]!;
    }, new CaseCache());
    await expect(set.load(1)).rejects.toThrow('case gone: not stored');
    await expect(set.load(0)).rejects.toMatchObject({ code: 'CASE_MISMATCH', message: 'case case-1: expected its prepared copy, found case case-2 stored under its name' });
  });
});
