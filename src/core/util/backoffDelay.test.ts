import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoffDelay.ts';

describe('backoffDelay', () => {
  it('doubles from the first wait and stops at the cap, however many failures', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 2000, 60_000))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(backoffDelay(10_000, 1000, 60_000)).toBe(60_000);
  });
});
