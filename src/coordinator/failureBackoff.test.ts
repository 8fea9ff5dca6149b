import { describe, expect, it } from 'vitest';
import { FailureBackoff } from './failureBackoff.ts';

describe('FailureBackoff', () => {
  it('waits 1 s, 2 s, 4 s ... at most a minute after failures in a row, and nothing after a success', () => {
    let clock = 0;
    const b = new FailureBackoff(() => clock);
    expect(b.waiting).toBe(false);
    const waits = Array.from({ length: 8 }, () => b.failed().waitMs);
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(b.waiting).toBe(true);
    clock += 59_999;
    expect(b.waiting).toBe(true);
    clock += 1;
    expect(b.waiting).toBe(false);
    b.succeeded();
    expect(b.failed()).toEqual({ attempt: 1, waitMs: 1000 });
  });
});
