/**
 * The training demo in the built page: the Worker picks WebGPU (SwiftShader in headless
 * Chromium), trains the tiny preset for a few steps, the loss falls, and the main
 * thread is never blocked for more than 100 ms while steps run.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, readBlocking, startBlockingProbe } from './support/pageProbes.ts';
import { servePage, type PageServer } from './support/pageServer.ts';

let server: PageServer;

test.beforeAll(async () => {
  server = await servePage();
});

test.afterAll(async () => {
  await server?.close();
});

async function runDemo(page: import('@playwright/test').Page, steps: number): Promise<void> {
  await page.getByLabel('Model').selectOption('tiny');
  await page.getByLabel('Steps').fill(String(steps));
  await page.getByLabel('Seed').fill('3');
  await page.getByTestId('demo-start').click();
  await expect(page.getByTestId('demo-status')).toContainText(/Done|Stopped/, { timeout: 150_000 });
  await expect(page.getByTestId('demo-error')).toHaveText('');
  await expect(page.getByTestId('demo-status')).toContainText('Done');
}

test('trains the tiny model on WebGPU in the Worker and the loss falls', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto(server.url + '#/demo');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  await runDemo(page, 8);
  const first = Number(await page.getByTestId('loss-first').textContent());
  const last = Number(await page.getByTestId('loss-last').textContent());
  expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
  expect(last).toBeLessThan(first);
  await expect(page.getByTestId('demo-status')).toContainText('on webgpu');
  expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('the main thread is never blocked for more than 100 ms while steps run', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto(server.url + '#/demo');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  await startBlockingProbe(page);
  await runDemo(page, 4);
  const report = await readBlocking(page);
  test.info().annotations.push({ type: 'blocking', description: JSON.stringify(report) });
  expect(Math.max(0, ...report.longTasksMs)).toBeLessThanOrEqual(100);
  expect(errors).toEqual([]);
});
