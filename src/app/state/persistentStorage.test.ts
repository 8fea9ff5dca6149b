import { describe, expect, it } from 'vitest';
import { persistenceNote, requestPersistentStorage, type PersistableStorage } from './persistentStorage.ts';

/** a StorageManager that answers as told and counts the requests */
const storage = (persisted: boolean, grants: boolean | Error): PersistableStorage & { asked: number } => {
  const s = {
    asked: 0,
    persisted: async () => persisted,
    persist: async () => {
      s.asked++;
      if (grants instanceof Error) throw grants;
      return grants;
    },
  };
  return s;
};

describe('requestPersistentStorage', () => {
  it('asks only when the storage is not persistent yet, and says what the browser answered', async () => {
    const already = storage(true, false);
    expect(await requestPersistentStorage(already)).toBe('persisted');
    expect(already.asked).toBe(0);
    const granted = storage(false, true);
    expect(await requestPersistentStorage(granted)).toBe('persisted');
    expect(granted.asked).toBe(1);
    expect(await requestPersistentStorage(storage(false, false))).toBe('refused');
  });

  it('is unavailable without a StorageManager, or when the request fails', async () => {
    expect(await requestPersistentStorage(undefined)).toBe('unavailable');
    expect(await requestPersistentStorage({ persisted: async () => false } as unknown as PersistableStorage)).toBe('unavailable');
    expect(await requestPersistentStorage(storage(false, new DOMException('denied', 'SecurityError')))).toBe('unavailable');
  });

  it("tells the site what it means for its key, and what to do when refused", () => {
    expect(persistenceNote('persisted')).toMatch(/keeps the site's key and checkpoint/);
    expect(persistenceNote('refused')).toMatch(/may clear .*: bookmark this page and reload it; .* needs a new invite\.$/);
    expect(persistenceNote('unavailable')).toMatch(/does not say/);
  });
});
