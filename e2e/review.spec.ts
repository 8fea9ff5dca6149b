/**
 * Review: after one round, a case is predicted with the federation's global model and
 * shown in Cornerstone3D's axial, coronal and sagittal views with the predicted and the
 * expert masks over it. The overlay is checked voxel by voxel (at full opacity, the pixel
 * at every voxel centre of the shown slice has its label's colour exactly where the mask
 * has that label, and no label colour elsewhere), a label toggle hides its pixels, the
 * wheel scrolls, a drag changes the window, another sequence changes the image;
 * screenshots of every view are kept, and the exported NIfTI reads back with the case's
 * grid and BraTS labels and matches the prediction overlay.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { syntheticCase } from '../src/core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../src/core/synthetic/siteProfiles.ts';
import { readNifti } from '../src/io/nifti/readNifti.ts';
import { LABEL_COLOURS, labelPalette, type LabelColours } from '../src/app/viewer/sliceImage.ts';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { collectErrors } from './support/pageProbes.ts';
import { tempFolder, writeSyntheticCases } from './support/testData.ts';
import { joinWithInvite, loadScans } from './support/pageFlows.ts';

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

/**
 * The colour on screen at the centre of every voxel of the slice a view shows: the
 * Cornerstone viewport element answers where each voxel is on its canvas (fedsegProbe);
 * each centre pixel is classified as a label colour (within a small tolerance for the
 * GPU's rounding) or not. The canvas viewer fallback draws one pixel per voxel.
 */
async function shownLabels(page: Page, testId: string, colours: LabelColours = LABEL_COLOURS): Promise<Map<number, number>> {
  const pairs = await page.getByTestId(testId).evaluate((el: HTMLElement, colours) => {
    type Probe = { canvas: HTMLCanvasElement; samples: { voxel: number; x: number; y: number }[] };
    const probe = (el as HTMLElement & { fedsegProbe?: () => Probe }).fedsegProbe?.();
    if (!probe) throw new Error('the view has no fedsegProbe (is it the Cornerstone viewer?)');
    const { canvas, samples } = probe;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const out: [number, number][] = [];
    for (const s of samples) {
      const x = Math.floor(s.x);
      const y = Math.floor(s.y);
      // off the canvas (a resize not yet redrawn): shown as -1, a mismatch that expect.poll retries
      if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) {
        out.push([s.voxel, -1]);
        continue;
      }
      const p = (y * canvas.width + x) * 4;
      let label = 0;
      for (const [l, c] of Object.entries(colours)) if (Math.abs(px[p]! - c[0]!) <= 8 && Math.abs(px[p + 1]! - c[1]!) <= 8 && Math.abs(px[p + 2]! - c[2]!) <= 8) label = Number(l);
      out.push([s.voxel, label]);
    }
    return out;
  }, colours as Record<number, readonly number[]>);
  return new Map(pairs);
}

/** The sum of a view's canvas pixels (to see that the image changed). */
async function canvasSum(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((el: HTMLElement) => {
    const probe = (el as HTMLElement & { fedsegProbe?: () => { canvas: HTMLCanvasElement } }).fedsegProbe!();
    const px = probe.canvas.getContext('2d')!.getImageData(0, 0, probe.canvas.width, probe.canvas.height).data;
    let sum = 0;
    for (let i = 0; i < px.length; i++) sum += px[i]!;
    return sum;
  });
}

/** Voxels whose shown colour is not the mask's label (hidden labels count as none). */
function mismatches(shown: Map<number, number>, mask: ArrayLike<number>, hidden: readonly number[] = []): { voxel: number; shown: number; mask: number }[] {
  const out: { voxel: number; shown: number; mask: number }[] = [];
  for (const [voxel, label] of shown) {
    const m = mask[voxel] === 3 ? 4 : mask[voxel]!;
    const want = hidden.includes(m) ? 0 : m;
    if (label !== want) out.push({ voxel, shown: label, mask: want });
  }
  return out;
}

function labelled(shown: Map<number, number>, mask: ArrayLike<number>): number {
  let n = 0;
  for (const v of shown.keys()) if (mask[v]) n++;
  return n;
}

test('review: overlay drawn where the masks are, screenshots, NIfTI export reads back', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await joinWithInvite(page, fed, 'review site');
  await loadScans(page, folder);
  await expect(page.getByTestId('data-counts')).toContainText('2 for training', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('participate').click();
  await expect(page.getByTestId('site-status')).toContainText('finished', { timeout: 240_000 });

  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  const caseId = await page.getByTestId('review-case').evaluate((s: HTMLSelectElement) => [...s.options].map((o) => o.value).find((v) => v.endsWith('synthetic-1/synthetic-1'))!);
  await page.getByTestId('review-case').selectOption(caseId);
  await page.getByTestId('review-open').click();
  await expect(page.getByTestId('review-dice')).toContainText('Dice against the expert label', { timeout: 180_000 });
  // the case list says each case's role; the model is named by its rounds; a training case's Dice is flagged as optimistic
  await expect(page.getByTestId('review-case').locator(`option[value="${caseId}"]`)).toHaveText(/\(training case\)$/);
  await expect(page.getByTestId('review-shown')).toContainText('predicted by the final model, after the one round');
  await expect(page.getByTestId('review-caveat')).toContainText('its Dice is optimistic');
  await page.getByTestId('review-opacity').fill('1');

  // the expert label (known here: the same seeded phantom) is drawn exactly where it is
  const truth = syntheticCase({ seed: 7 * 100 + 1, size: SIZE, id: 'synthetic-1', profile: SITE_PROFILES[1 % SITE_PROFILES.length]! }).label!;
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    await expect.poll(async () => mismatches(await shownLabels(page, `view-truth-${view}`), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);
    const shown = await shownLabels(page, `view-truth-${view}`);
    expect(shown.size).toBe(SIZE * SIZE);
    expect(labelled(shown, truth.data)).toBeGreaterThan(0);
  }
  // hiding oedema removes its pixels (and only them)
  await page.getByTestId('review-label-2').uncheck();
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-axial'), truth.data, [2]).slice(0, 5), { timeout: 15_000 }).toEqual([]);
  expect([...(await shownLabels(page, 'view-truth-axial')).keys()].some((v) => truth.data[v] === 2)).toBe(true);
  await page.getByTestId('review-label-2').check();
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-axial'), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);

  // the rows are linked: the prediction and the expert label start on the same slice of each orientation
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    expect(await page.getByLabel(`Prediction ${view} slice`).inputValue()).toBe(await page.getByLabel(`Expert label ${view} slice`).inputValue());
  }
  // scrolling: the wheel moves a view by a slice, the overlay follows it, and so does the other row
  const axialSlider = page.getByLabel('Expert label axial slice');
  const sliceBefore = Number(await axialSlider.inputValue());
  await page.getByTestId('view-truth-axial').hover();
  await page.mouse.wheel(0, sliceBefore > 0 ? -100 : 100);
  await expect.poll(async () => Number(await axialSlider.inputValue()), { timeout: 10_000 }).not.toBe(sliceBefore);
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-axial'), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);
  await expect.poll(() => page.getByLabel('Prediction axial slice').inputValue(), { timeout: 10_000 }).toBe(await axialSlider.inputValue());
  // window/level: a left drag changes the window, shown in the level and window fields
  const levelBefore = await page.locator('#review-level').inputValue();
  const box = (await page.getByTestId('view-truth-coronal').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => page.locator('#review-level').inputValue(), { timeout: 10_000 }).not.toBe(levelBefore);
  // another sequence changes the grey image under the same overlay
  const greyBefore = await canvasSum(page, 'view-truth-sagittal');
  await page.locator('#review-seq').selectOption('t1');
  await expect.poll(() => canvasSum(page, 'view-truth-sagittal'), { timeout: 10_000 }).not.toBe(greyBefore);
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-sagittal'), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);

  // colour-blind safe mask colours: the same voxels in the other palette, kept for the next review
  await page.getByTestId('review-colours').selectOption('colour-blind');
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-axial', labelPalette('colour-blind')), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('fedseg.maskColours'))).toBe('colour-blind');
  await page.getByTestId('review-colours').selectOption('brats');
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-axial'), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);

  // a narrower window resizes the viewports; the overlay stays on its voxels
  await page.setViewportSize({ width: 1000, height: 800 });
  await expect.poll(async () => mismatches(await shownLabels(page, 'view-truth-coronal'), truth.data).slice(0, 5), { timeout: 15_000 }).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });

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
  // the volumes shown are the exported mask's, in mL (1 mm voxels here)
  const wholeTumour = labels.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  expect(wholeTumour).toBeGreaterThan(0);
  await expect(page.getByTestId('review-volumes')).toContainText(`WT ${(wholeTumour / 1000).toFixed(1)} mL`);
  await expect(page.getByTestId('review-volumes')).toContainText('(expert label: ET');
  // and a screen reader hears what was shown (the page's status line, not the views)
  await expect(page.getByTestId('review-status')).toHaveText(/^Shown: case .*synthetic-1\. Predicted volumes: ET /);
  for (const view of ['axial', 'coronal', 'sagittal'] as const) {
    expect(mismatches(await shownLabels(page, `view-pred-${view}`), labels).slice(0, 5)).toEqual([]);
  }

  // leaving the review frees the scans' slice images from Cornerstone's cache too
  const view = await page.getByTestId('view-pred-axial').elementHandle();
  const cached = () => view!.evaluate((el) => (el as HTMLElement & { fedsegCacheBytes: () => number }).fedsegCacheBytes());
  expect(await cached()).toBeGreaterThan(0);
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await expect.poll(cached, { timeout: 10_000 }).toBe(0);
  expect(errors).toEqual([]);
});
