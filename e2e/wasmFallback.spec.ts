/**
 * The page's CPU fallback: in a Chromium with neither WebGPU nor WebGL (as on a
 * hospital PC whose GPU is blocked), the Worker refuses both with a reason, falls back
 * to tfjs's wasm backend with fedseg's Conv3D kernels (im2col + XNNPACK,
 * src/kernels/wasm) installed over wasm's own, and trains the tiny model: finite,
 * falling losses, no errors on the page.
 *
 * The backend is forced the only way the page allows, from outside: this file's
 * Chromium is launched without WebGPU and without a GPU process or software
 * rasteriser, so that WebGL fails too.
 */
import { expect, test } from '@playwright/test';
import config from '../playwright.config.ts';
import { collectErrors } from './support/pageProbes.ts';
import { servePage, type PageServer } from './support/pageServer.ts';

/** the project's flags less those that give WebGPU and SwiftShader WebGL */
const GPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'];
const launch = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launch,
    // no GPU process and no software fallback: no WebGL, in the Worker's OffscreenCanvas too
    args: [...(launch.args ?? []).filter((a) => !GPU_FLAGS.includes(a)), '--disable-gpu', '--disable-software-rasterizer'],
  },
});

const STEPS = 10;

let server: PageServer;

test.beforeAll(async () => {
  server = await servePage();
});

test.afterAll(async () => {
  await server?.close();
});

test('without WebGPU and WebGL the Worker trains the tiny model on wasm with fedseg\'s Conv3D kernels', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const started = Date.now();
  await page.goto(server.url + '#/demo');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 45_000 });
  const chosenMs = Date.now() - started;
  await expect(page.getByTestId('backend-meaning')).toContainText("fedseg's own kernels");
  // the kernels the Worker reports as fedseg's: all three Conv3D kernels
  for (const kernel of ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']) {
    await expect(page.getByTestId('backend-kernels')).toContainText(kernel);
  }
  // fallen back, the details (why the faster backends were passed over) are open
  await expect(page.locator('.backend details')).toHaveAttribute('open', '');
  const refused = page.locator('.backend-refused li');
  await expect(refused).toHaveCount(2);
  await expect(refused.nth(0)).toContainText(/^webgpu was not used: .+/);
  await expect(refused.nth(1)).toContainText(/^webgl was not used: this browser offers no WebGL here/);

  await page.getByLabel('Model').selectOption('tiny');
  await page.getByLabel('Steps').fill(String(STEPS));
  await page.getByLabel('Seed').fill('3');
  await page.getByTestId('demo-start').click();
  await expect(page.getByTestId('demo-status')).toContainText(/Done|Stopped/, { timeout: 60_000 });
  await expect(page.getByTestId('demo-error')).toHaveText('');
  await expect(page.getByTestId('demo-status')).toContainText(`Done: ${STEPS} steps on wasm`);
  const first = Number(await page.getByTestId('loss-first').textContent());
  const last = Number(await page.getByTestId('loss-last').textContent());
  console.log(`wasm fallback: backend chosen after ${chosenMs} ms (refused: ${(await refused.allTextContents()).join(' | ')}); ` +
    `${await page.getByTestId('demo-status').textContent()} Mean loss of the first 3 steps ${first}, of the last 3 ${last}`);
  expect(Number.isFinite(first) && first > 0).toBe(true);
  expect(Number.isFinite(last) && last > 0).toBe(true);
  // wasm's stock Conv3D gradients are wrong: a falling loss says fedseg's kernels did the training
  expect(last).toBeLessThan(first);
  await page.screenshot({ path: test.info().outputPath('wasm-fallback.png'), fullPage: true });
  expect(errors).toEqual([]);
});
