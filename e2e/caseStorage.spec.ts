/**
 * The page's prepared cases in Chromium's real IndexedDB (siteStore.ts,
 * participationCases.ts): each case a record of its own, read back as training draws it
 * when the tab's cache cannot hold it, the same patches as from memory, a range delete
 * that takes one federation's cases and no other's, and CASE_MISSING for a case gone.
 * The page is a harness (support/caseStorageHarness.ts), not the app: the app's specs
 * (federation, stop, gpuLost) hold fewer cases than the cache's budget.
 */
import { expect, test } from '@playwright/test';
import { collectErrors } from './support/pageProbes.ts';
import { CASE_STORAGE_HARNESS_GLOBAL, type CaseStorageReport } from './support/caseStorageHarnessApi.ts';
import { serveHarness, type HarnessPage } from './support/harnessPage.ts';

let server: HarnessPage;

test.beforeAll(async () => {
  server = await serveHarness('caseStorageHarness.ts', 'fedseg case storage harness');
});

test.afterAll(async () => {
  await server?.close();
});

test('prepared cases go to IndexedDB one by one, come back as training draws them, and go with their federation only', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(server.url);
  await page.waitForFunction((name) => name in window, CASE_STORAGE_HARNESS_GLOBAL);
  const report = await page.evaluate((name) => (window as unknown as Record<string, { run(): Promise<CaseStorageReport> }>)[name]!.run(), CASE_STORAGE_HARNESS_GLOBAL);

  expect(report.storedIds).toEqual(['site/case-1', 'site/case-2', 'site/case-3']);
  expect(report.samePatches).toEqual([true, true, true, true, true, true]);
  // the cache holds one case: the others were read back from IndexedDB when drawn
  expect(report.cachedIds).toHaveLength(1);
  expect(report.reads).toBeGreaterThan(2);
  expect(report.readBack).toEqual({ imageType: 'Uint16Array', imageEqual: true, labelEqual: true, imageBox: { start: [0, 0, 0], dims: [20, 18, 16] } });
  expect(report.manifest).toEqual({ format: 2, train: ['site/case-1', 'site/case-2'], validation: ['site/case-3'] });
  expect(report.afterDelete).toEqual({ ids: [], manifestGone: true, otherIds: ['site/case-1'] });
  expect(report.missing.code).toBe('CASE_MISSING');
  expect(report.missing.message).toMatch(/^case site\/case-2: expected its prepared copy in this browser's storage, found none/);
  expect(errors).toEqual([]);
});
