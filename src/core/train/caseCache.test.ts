import { describe, expect, it } from 'vitest';
import type { TrainingCase } from '../types/case.ts';
import { CASE_MEMORY_BUDGET, CaseCache, caseBytes, caseMemoryBudget } from './caseCache.ts';

/** a case of `voxels` voxels: 8 bytes of image (four halves) and 1 of label each */
const caseOf = (id: string, voxels: number): TrainingCase => ({
  id, dims: [voxels, 1, 1], spacing: [1, 1, 1], image: new Uint16Array(4 * voxels), label: new Uint8Array(voxels),
});

describe('CaseCache', () => {
  it('counts a case as its image and labels', () => {
    expect(caseBytes(caseOf('a', 10))).toBe(90);
    expect(caseBytes({ image: new Uint16Array(8) })).toBe(16);
  });

  it('keeps the most recently used cases within its budget, letting the least recently used go first', () => {
    const cache = new CaseCache(300);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => caseOf(id, 10));
    cache.put('a', a!);
    cache.put('b', b!);
    cache.put('c', c!);
    expect(cache.heldBytes).toBe(270);
    // a is used again: b is now the least recently used, and goes when d comes
    expect(cache.get('a')).toBe(a);
    cache.put('d', d!);
    expect(cache.keys()).toEqual(['c', 'a', 'd']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.heldBytes).toBe(270);
    // a larger case lets as many go as it needs, oldest first
    cache.put('e', caseOf('e', 20));
    expect(cache.keys()).toEqual(['d', 'e']);
    expect(cache.heldBytes).toBe(270);
    cache.put('f', caseOf('f', 30));
    expect(cache.keys()).toEqual(['f']);
    expect(cache.heldBytes).toBe(270);
  });

  it('replaces a case kept under the same key, and keeps none larger than the whole budget', () => {
    const cache = new CaseCache(200);
    cache.put('a', caseOf('a', 10));
    cache.put('a', caseOf('a', 20));
    expect(cache.heldBytes).toBe(180);
    expect(cache.keys()).toEqual(['a']);
    cache.put('big', caseOf('big', 30));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.keys()).toEqual(['a']);
    // too large for the budget, under a key held: the old case is let go too (it is stale)
    cache.put('a', caseOf('a', 30));
    expect(cache.keys()).toEqual([]);
    expect(cache.heldBytes).toBe(0);
  });

  it('lets go of one case or of all, and refuses a budget that is not a number of bytes', () => {
    const cache = new CaseCache(1000);
    cache.put('a', caseOf('a', 10));
    cache.put('b', caseOf('b', 10));
    cache.delete('a');
    cache.delete('never');
    expect(cache.keys()).toEqual(['b']);
    expect(cache.heldBytes).toBe(90);
    cache.clear();
    expect(cache.keys()).toEqual([]);
    expect(cache.heldBytes).toBe(0);
    expect(() => new CaseCache(Number.NaN)).toThrow('case memory budget: expected bytes >= 0, found NaN');
    expect(() => new CaseCache(-1)).toThrow(RangeError);
  });
});

describe('caseMemoryBudget', () => {
  it("is a quarter of the machine's memory, from 256 MB up to 2 GB, and 2 GB when the browser does not say", () => {
    expect(caseMemoryBudget(8)).toBe(2e9);
    expect(caseMemoryBudget(4)).toBe(1e9);
    expect(caseMemoryBudget(2)).toBe(0.5e9);
    expect(caseMemoryBudget(0.5)).toBe(0.25e9);
    expect(caseMemoryBudget(64)).toBe(CASE_MEMORY_BUDGET);
    expect(caseMemoryBudget(undefined)).toBe(CASE_MEMORY_BUDGET);
    expect(caseMemoryBudget(Number.NaN)).toBe(CASE_MEMORY_BUDGET);
  });
});
