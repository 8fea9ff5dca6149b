import { describe, expect, it } from 'vitest';
import { CaseCache, caseBytes } from '../core/train/caseCache.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { ParticipationCases, type CaseStorage } from './participationCases.ts';

const caseOf = (id: string, voxels = 10): TrainingCase => ({
  id, dims: [voxels, 1, 1], spacing: [1, 1, 1], image: new Uint16Array(4 * voxels).fill(id.length), label: new Uint8Array(voxels),
});

/** storage in a Map, giving copies back as IndexedDB does; `full` refuses the put of those ids as a full quota would */
function mapStorage(full: readonly string[] = []): CaseStorage & { readonly stored: Map<string, TrainingCase>; readonly reads: string[] } {
  const stored = new Map<string, TrainingCase>();
  const reads: string[] = [];
  return {
    stored, reads,
    put: async (c) => {
      if (full.includes(c.id)) throw new Error('QuotaExceededError: the quota has been exceeded');
      stored.set(c.id, c);
    },
    get: async (id) => {
      reads.push(id);
      const c = stored.get(id);
      return c && { ...c, image: c.image.slice() };
    },
  };
}

describe('ParticipationCases', () => {
  it('stores each case kept, holds no more than its budget in memory, and reads the others back when drawn', async () => {
    const storage = mapStorage();
    const cache = new CaseCache(2 * caseBytes(caseOf('a')));
    const kept = new ParticipationCases(storage, cache);
    for (const id of ['a', 'b', 'c']) await kept.keep(caseOf(id));
    expect([...storage.stored.keys()]).toEqual(['a', 'b', 'c']);
    expect(cache.keys()).toEqual(['b', 'c']);
    expect(kept.storageFailure).toBeUndefined();
    expect(kept.bytesOf(['a', 'c'])).toBe(2 * 90);
    const set = kept.caseSet(['a', 'c']);
    expect((await set.load(1)).id).toBe('c');
    expect(storage.reads).toEqual([]);
    const a = await set.load(0);
    expect(a.id).toBe('a');
    expect(Array.from(a.image.subarray(0, 2))).toEqual([1, 1]);
    expect(storage.reads).toEqual(['a']);
    expect(cache.keys()).toEqual(['c', 'a']);
  });

  it('pins a case it cannot store in memory, says why, and still gives it when drawn, outside the cache', async () => {
    const storage = mapStorage(['b']);
    const cache = new CaseCache(caseBytes(caseOf('a')));
    const kept = new ParticipationCases(storage, cache);
    const b = caseOf('b');
    for (const c of [caseOf('a'), b, caseOf('c')]) await kept.keep(c);
    expect([...storage.stored.keys()]).toEqual(['a', 'c']);
    expect(kept.storageFailure).toBe('QuotaExceededError: the quota has been exceeded');
    const set = kept.caseSet(['a', 'b', 'c']);
    expect(await set.load(1)).toBe(b);
    // the pinned case takes none of the cache's budget: the one case it holds stays
    expect(cache.keys()).toEqual(['c']);
    expect((await set.load(2)).id).toBe('c');
    expect(await set.load(1)).toBe(b);
    expect(storage.reads).toEqual([]);
    expect((await set.load(0)).id).toBe('a');
    expect(storage.reads).toEqual(['a']);
    expect(cache.keys()).toEqual(['a']);
  });

  it('names a case whose stored copy is gone (CASE_MISSING)', async () => {
    const kept = new ParticipationCases(mapStorage(), new CaseCache());
    await expect(kept.caseSet(['Site_7/BraTS_001']).load(0)).rejects.toMatchObject({
      code: 'CASE_MISSING', message: expect.stringMatching(/^case Site_7\/BraTS_001: expected its prepared copy in this browser's storage, found none/),
    });
  });
});
