/**
 * Asks the browser to keep this origin's storage (the site's non-extractable key, its
 * participation checkpoint and prepared cases in IndexedDB) when the disk runs low: without
 * it, Chromium may clear all of them as "best effort" data, and a site that loses its key
 * needs a new invite. Chromium grants or refuses without asking (it weighs how the page is
 * used: bookmarked, installed, visited often); Firefox asks the user. Window only: a
 * Worker's StorageManager has no persist().
 */

/** What came of the request; `unavailable` when the browser offers no StorageManager (an insecure origin, an old browser). */
export type StoragePersistence = 'persisted' | 'refused' | 'unavailable';

/** The part of StorageManager used here. */
export interface PersistableStorage {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
}

export async function requestPersistentStorage(storage: PersistableStorage | undefined): Promise<StoragePersistence> {
  if (!storage || typeof storage.persist !== 'function') return 'unavailable';
  try {
    if (await storage.persisted()) return 'persisted';
    return (await storage.persist()) ? 'persisted' : 'refused';
  } catch {
    return 'unavailable';
  }
}

/** A line for the page: what the browser promised about the site's stored data. */
export function persistenceNote(p: StoragePersistence): string {
  switch (p) {
    case 'persisted':
      return "This browser keeps the site's key and checkpoint when disk space runs low (persistent storage granted).";
    case 'refused':
      return "This browser may clear the site's key and checkpoint when disk space runs low (persistent storage not granted; Chromium grants it to pages that are bookmarked or often used): bookmark this page and reload it; a site whose key is cleared needs a new invite.";
    case 'unavailable':
      return "This browser does not say whether it keeps the site's key and checkpoint when disk space runs low (no persistent storage here); a site whose key is cleared needs a new invite.";
  }
}
