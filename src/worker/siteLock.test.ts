import { describe, expect, it } from 'vitest';
import { siteLockName, withSiteLock } from './siteLock.ts';

/** Web Locks' ifAvailable semantics (the browser's own is exercised by e2e/federation.spec.ts) */
class Locks {
  readonly held = new Set<string>();
  async request<T>(name: string, _o: { ifAvailable: boolean }, work: (lock: unknown) => Promise<T>): Promise<T> {
    if (this.held.has(name)) return work(null);
    this.held.add(name);
    try {
      return await work({ name });
    } finally {
      this.held.delete(name);
    }
  }
}

describe('withSiteLock', () => {
  it('refuses a second participation for the same coordinator while one holds the lock, and frees it when that one ends', async () => {
    const locks = new Locks();
    const url = 'http://127.0.0.1:8080';
    const inner = await withSiteLock(url, async () => {
      expect(locks.held.has(siteLockName(url))).toBe(true);
      await expect(withSiteLock(url, async () => 'second', locks)).rejects.toMatchObject({ code: 'SITE_BUSY_ELSEWHERE' });
      expect(await withSiteLock('http://other:8080', async () => 'other federation', locks)).toBe('other federation');
      return 'first';
    }, locks);
    expect(inner).toBe('first');
    expect(await withSiteLock(url, async () => 'again', locks)).toBe('again');
    await expect(withSiteLock(url, async () => { throw new Error('training failed'); }, locks)).rejects.toThrow('training failed');
    expect(locks.held.size).toBe(0);
  });
});
