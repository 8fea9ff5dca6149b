/**
 * Review: after one round, a case is predicted with the federation's global model and
 * shown in three views with the predicted and the expert masks over it. The overlay is
 * checked pixel by pixel (at full opacity, a label's colour is drawn exactly where the
 * mask has that label), a label toggle hides its pixels, screenshots of every view are
 * kept, and the exported NIfTI reads back with the case's grid and BraTS labels.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { syntheticCase } from '../src/core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../src/core/synthetic/siteProfiles.ts';
import { readNifti } from '../src/io/nifti/readNifti.ts';
import { LABEL_COLOURS, sliceIndices, type ViewAxis } from '../src/app/viewer/sliceImage.ts';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { collectErrors } from './support/pageProbes.ts';
import { tempFolder, writeSyntheticCases } from './support/testData.ts';

const plan = e2ePlan({ federation: 'e2e review', rounds: 1, training: { localSteps: 2, learningRate: 3e-3 }, validation: { fraction: 0 }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
const SIZE = 24;
let fed: TestFederation;
let folder: string;

test.beforeAll(async () => {
  folder = tempFolder('fedseg-e2e-review-');
  writeSyntheticCases(folder, 2, SIZE, 7);
  fed = await startFederation(plan, 0);
});

test.afterAll(async () => {
  await fed?.close();
});

/** Pixels of the canvas with exactly each label's colour. */
async function colourCounts(page: Page, testId: string): Promise<Record<number, number>> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement, colours) => {
    const ctx = canvas.getContext('2d')!;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const out: Record<number, number> = { 1: 0, 2: 0, 4: 0 };
    for (let p = 0; p < px.length; p += 4) {
      for (const [l, c] of Object.entries(colours)) if (px[p] === c[0] && px[p + 1] === c[1] && px[p + 2] === c[2]) out[Number(l)]!++;
    }
    return out;
  }, LABEL_COLOURS as Record<number, readonly number[]>);
}

function expectedCounts(mask: Uint8Array, grid: { dims: readonly [number, number, number]; affine: readonly number[] }, view: ViewAxis, slice: number): Record<number, number> {
  const out: Record<number, number> = { 1: 0, 2: 0, 4: 0 };
  for (const v of sliceIndices(grid, view, slice).index) if (mask[v]) out[mask[v]!]!++;
  return out;
}

test('review: overlay drawn where the masks are, screenshots, NIfTI export reads back', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const invite = await fed.coordinator.invite('review site');
  await page.goto(`${fed.url}/#/join/${invite.token}`);
  await page.getByTestId('join-consent').check();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('joined')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Scans', exact: true }).click();
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect(page.getByTestId('data-counts')).toContainText('2 for training', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('participate').click();
  await expect(page.getByTestId('site-status')).toContainText('finished', { timeout: 240_000 });

  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  const caseId = await page.getByTestId('review-case').evaluate((s: HTMLSelectElement) => [...s.options].map((o) => o.value).find((v) => v.endsWith('synthetic-1/synthetic-1'))!);
  await page.getByTestId('review-case').selectOption(caseId);
  await page.getByTestId('review-open').click();
  await expect(page.getByTestId('review-dice')).toContainText('Dice against the expert label', { timeout: 180_000 });
  await page.getByTestId('review-opacity').fill('1');

  // the expert label (known here: the same seeded phantom) is drawn exactly where it is
  const truth = syntheticCase({ seed: 7 * 100 + 1, size: SIZE, id: 'synthetic-1', profile: SITE_PROFILES[1 % SITE_PROFILES.length]! }).label!;
  const grid = { dims: truth.dims, affine: truth.affine };
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    const slice = Number(await page.getByLabel(`Expert label ${view} slice`).inputValue());
    const expected = expectedCounts(truth.data, grid, view, slice);
    expect(expected[1]! + expected[2]! + expected[4]!).toBeGreaterThan(0);
    expect(await colourCounts(page, `view-truth-${view}`)).toEqual(expected);
  }
  // hiding oedema removes its pixels
  await page.getByTestId('review-label-2').uncheck();
  expect((await colourCounts(page, 'view-truth-axial'))[2]).toBe(0);
  await page.getByTestId('review-label-2').check();

  for (const who of ['pred', 'truth']) {
    for (const view of ['axial', 'coronal', 'sagittal']) {
      await page.getByTestId(`view-${who}-${view}`).screenshot({ path: test.info().outputPath(`review-${who}-${view}.png`) });
    }
  }
  await page.screenshot({ path: test.info().outputPath('review-page.png'), fullPage: true });

  // export NIfTI, read it back; the prediction overlay matches it
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-nifti').click()]);
  const path = test.info().outputPath('prediction.nii.gz');
  await download.saveAs(path);
  const pred = readNifti(readFileSync(path), 'prediction.nii.gz');
  expect([...pred.dims]).toEqual([SIZE, SIZE, SIZE]);
  const labels = new Uint8Array(pred.data.length);
  pred.data.forEach((v, i) => (labels[i] = v));
  expect([...new Set(labels)].every((v) => [0, 1, 2, 4].includes(v))).toBe(true);
  const slice = Number(await page.getByLabel('Prediction axial slice').inputValue());
  expect(await colourCounts(page, 'view-pred-axial')).toEqual(expectedCounts(labels, grid, 'axial', slice));
  expect(errors).toEqual([]);
});
