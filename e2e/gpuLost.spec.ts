/**
 * A lost GPU: Chromium's GPU process crashes (CDP Browser.crashGpuProcess, as a driver
 * reset or a crash would) while a site takes part on WebGPU. The page says the GPU stopped
 * working, the participation ends as failed rather than waiting for ever, and its
 * checkpoint and prepared cases stay, so a reload offers to resume it (and a round whose
 * update was sent stays sent). Nothing more is computed on the failed GPU (a review is
 * refused); a resume whose stored cases were partly cleared says so and drops the rest.
 * Each test runs a browser of its own: a crashed GPU process could change what the shared
 * one offers the others.
 */
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { joinWithInvite, loadScans } from './support/pageFlows.ts';
import { deleteOneStoredCase, storedKeys } from './support/siteStorage.ts';
import { tempFolder, writeSyntheticCases } from './support/testData.ts';

// the round waits for a second site that never comes: the page is still in it at the crash
const plan = e2ePlan({ federation: 'e2e gpu lost', rounds: 2, validation: { fraction: 0 }, stragglers: { minSites: 2, roundDeadlineSeconds: 600 } });
let fed: TestFederation;
let folder: string;
let browser: Browser;

test.beforeAll(async () => {
  folder = tempFolder('fedseg-e2e-gpu-');
  writeSyntheticCases(folder, 2, 24, 5);
  fed = await startFederation(plan, 0);
});

test.afterAll(async () => {
  await browser?.close();
  await fed?.close();
});

/** A joined page with the scans loaded, in a browser of its own, on the Train view. */
async function joinedSite(name: string): Promise<{ page: Page; crashGpu: () => Promise<void> }> {
  await browser?.close();
  browser = await chromium.launch(test.info().project.use.launchOptions);
  const context = await browser.newContext();
  const page = await context.newPage();
  await joinWithInvite(page, fed, name);
  await loadScans(page, folder);
  await expect(page.getByTestId('data-counts')).toContainText('2 for training', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  return { page, crashGpu: async () => void (await cdp.send('Browser.crashGpuProcess')) };
}

test('a GPU lost while training ends the participation with a reason, and a reload offers to resume it', async () => {
  test.setTimeout(240_000);
  const { page, crashGpu } = await joinedSite('site losing its GPU in training');
  await page.getByTestId('participate').click();
  await expect(page.getByTestId('site-status')).toContainText('training', { timeout: 120_000 });
  await crashGpu();
  await expect(page.getByTestId('worker-failed')).toContainText('the GPU stopped working', { timeout: 30_000 });
  await expect(page.getByTestId('site-status')).toContainText(/Stopped: .*GPU/, { timeout: 30_000 });
  await expect(page.getByTestId('stop-participating')).toBeDisabled();
  // nothing more is computed on it: a review is refused, with the reason
  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  await page.getByTestId('review-open').click();
  await expect(page.getByTestId('review-error')).toContainText('the GPU stopped working', { timeout: 30_000 });

  await page.reload();
  const train = () => page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await train();
  await expect(page.getByTestId('resume')).toBeVisible({ timeout: 30_000 });

  // one case's stored copy gone (the browser cleared part of the site's data): the resume names
  // it, drops what was kept, and offers Start (not the same resume again), also after a reload
  const gone = await deleteOneStoredCase(page);
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('train-error')).toContainText(`cannot resume: expected the prepared copies of 2 cases in this browser's storage, found ${gone} missing`, { timeout: 60_000 });
  await expect(page.getByTestId('site-status')).toContainText('Not resumed');
  await expect(page.getByTestId('resume')).toBeHidden();
  expect((await storedKeys(page)).filter((k) => k.startsWith('case,') || k.startsWith('cases:'))).toEqual([]);
  await page.reload();
  await train();
  await expect(page.getByTestId('participate')).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('resume')).toBeHidden();
});

test('a GPU lost while the site waits for the others: the resume keeps the update sent, not training the round again', async () => {
  test.setTimeout(240_000);
  const { page, crashGpu } = await joinedSite('site losing its GPU while waiting');
  await page.getByTestId('participate').click();
  await expect(page.getByTestId('site-status')).toContainText('waiting for the other sites', { timeout: 180_000 });
  await crashGpu();
  await expect(page.getByTestId('worker-failed')).toContainText('the GPU stopped working', { timeout: 30_000 });
  await page.reload();
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('site-status')).toContainText('update sent before the reload', { timeout: 60_000 });
});
