/**
 * What reading a prepared case back from IndexedDB costs the page, measured in Debian's
 * Chromium (the browser the e2e specs use): a site with more cases than the tab's
 * CaseCache budget reads each drawn case that is not held (participationCases.ts). Five
 * cases the size of the shared BraTS case prepared for 64^3 patches (23.5 MB of half
 * floats on the brain box, random; 7.1 MB of labels, mostly background) are written under
 * their own keys, then read back in turn; `structuredClone` of the same case in the same
 * page is the baseline (IndexedDB stores a structured clone). Not a test.
 */
import { chromium } from '@playwright/test';
import type { BenchRow } from './benchRow.ts';

export interface CaseStorageBenchOptions {
  readonly log?: (line: string) => void;
  /** reads of each case (default 4) */
  readonly reads?: number;
}

interface PageTimes {
  readonly put: number[];
  readonly get: number[];
  readonly clone: number[];
  readonly bytes: number;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCaseStorage(opts: CaseStorageBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const browser = await chromium.launch({ executablePath: process.env.FEDSEG_CHROMIUM ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    // the function below is run in the page as tsx compiled it: its esbuild helper for function names must be there
    await page.addInitScript('globalThis.__name = (f) => f');
    // IndexedDB needs an origin: an empty page served by Playwright itself
    await page.route('http://fedseg.bench/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
    await page.goto('http://fedseg.bench/');
    const times = await page.evaluate(async (reads: number): Promise<PageTimes> => {
      const imageHalves = 4 * 134 * 160 * 137;
      const labelVoxels = 192 ** 3;
      const makeCase = (i: number) => {
        const image = new Uint16Array(imageHalves);
        let s = 12345 + i;
        for (let j = 0; j < image.length; j++) image[j] = (s = (s * 1103515245 + 12345) >>> 0) >>> 16;
        const label = new Uint8Array(labelVoxels);
        for (let j = labelVoxels / 2; j < labelVoxels / 2 + 60_000; j++) label[j] = 1 + (j % 3);
        return { id: `case-${i}`, dims: [192, 192, 192], spacing: [1, 1, 1], image, label, imageBox: { start: [29, 16, 27], dims: [134, 160, 137] } };
      };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('bench', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('kv');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) => new Promise<T>((resolve, reject) => {
        const t = db.transaction('kv', mode);
        const req = fn(t.objectStore('kv'));
        t.oncomplete = () => resolve(req.result);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      });
      const out: PageTimes = { put: [], get: [], clone: [], bytes: imageHalves * 2 + labelVoxels };
      const n = 5;
      for (let i = 0; i < n; i++) {
        const c = makeCase(i);
        let t = performance.now();
        structuredClone(c);
        out.clone.push(performance.now() - t);
        t = performance.now();
        await tx('readwrite', (s) => s.put(c, ['case', i]));
        out.put.push(performance.now() - t);
      }
      for (let r = 0; r < reads; r++) {
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          const c = await tx<{ image: Uint16Array }>('readonly', (s) => s.get(['case', i]));
          out.get.push(performance.now() - t);
          if (c.image.length !== imageHalves) throw new Error(`case ${i}: read back ${c.image.length} halves, expected ${imageHalves}`);
        }
      }
      db.close();
      return out;
    }, opts.reads ?? 4);
    const version = browser.version();
    const [put, get, clone] = [median(times.put), median(times.get), median(times.clone)];
    log(`IndexedDB in Chromium ${version}: put ${put.toFixed(0)} ms, get ${get.toFixed(0)} ms, structuredClone ${clone.toFixed(0)} ms per ${(times.bytes / 1e6).toFixed(1)} MB case`);
    const variant = `chromium ${version}`;
    const note = `a case of ${(times.bytes / 1e6).toFixed(1)} MB (BraTS at 64^3 patches); median of ${times.get.length} reads of 5 cases`;
    return [
      { suite: 'case-storage', name: 'read a prepared case from IndexedDB', variant, value: get, unit: 'ms', note },
      { suite: 'case-storage', name: 'write a prepared case to IndexedDB', variant, value: put, unit: 'ms', note: `median of ${times.put.length} writes` },
      { suite: 'case-storage', name: 'structuredClone of a prepared case (baseline)', variant, value: clone, unit: 'ms', note: `median of ${times.clone.length}` },
      { suite: 'case-storage', name: 'read from IndexedDB / structuredClone', variant, value: get / clone, unit: 'x', ratio: get / clone, baseline: 'structuredClone of a prepared case (baseline)', note: 'in the same page, same run' },
    ];
  } finally {
    await browser.close();
  }
}
