/**
 * What a spec reads of the page's own IndexedDB store (fedseg-site / kv, siteStore.ts),
 * and the one change it makes there: a stored case deleted, as a browser clearing part
 * of the site's data would. An array key reads as its items joined by commas.
 */
import type { Page } from '@playwright/test';

/** The keys of the store, as text. */
export function storedKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('fedseg-site', 1);
    open.onerror = () => reject(new Error(String(open.error)));
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('kv', 'readonly').objectStore('kv').getAllKeys();
      req.onsuccess = () => {
        resolve(req.result.map(String));
        db.close();
      };
      req.onerror = () => reject(new Error(String(req.error)));
    };
  }));
}

/** Deletes the first prepared case stored (its key `['case', baseUrl, caseId]`) and gives its case id. */
export function deleteOneStoredCase(page: Page): Promise<string> {
  return page.evaluate(() => new Promise<string>((resolve, reject) => {
    const open = indexedDB.open('fedseg-site', 1);
    open.onerror = () => reject(new Error(String(open.error)));
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('kv', 'readwrite');
      const store = tx.objectStore('kv');
      const req = store.getAllKeys();
      let deleted = '';
      req.onsuccess = () => {
        const key = req.result.find((k) => Array.isArray(k) && k[0] === 'case') as string[] | undefined;
        if (!key) return reject(new Error('no prepared case is stored'));
        deleted = key[2]!;
        store.delete(key);
      };
      tx.oncomplete = () => {
        db.close();
        resolve(deleted);
      };
      tx.onerror = () => reject(new Error(String(tx.error)));
    };
  }));
}
