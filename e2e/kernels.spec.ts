/**
 * fedseg's fast WebGPU Conv3D kernels inside real Chromium (WebGPU on SwiftShader
 * here), against tfjs's cpu backend in the same page: the forward kernel and both
 * gradients (Conv3DBackpropInputV2, Conv3DBackpropFilterV2) agree within 1e-4
 * relative error on edge cases (64 channels, odd sizes, stride 2, kernel 1; 1 -> 64
 * channels; batch 2) and on random problems (odd/even sizes, kernel 1 or 3, stride
 * 1 or 2, same/valid, 1-64 channels). Operands are fresh random values for every check; the seed is printed
 * and FEDSEG_KERNEL_SEED=<seed> replays a run. The Node + Dawn counterpart is
 * src/kernels/webgpu/conv3dKernels.test.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { Rng } from '../src/core/util/rng.ts';
import { CONV3D_KERNEL_NAMES, type Conv3DCase, describeCase, randomConv3DCase } from '../src/kernels/testing/conv3dCases.ts';
import { collectErrors } from './support/pageProbes.ts';
import { KERNEL_HARNESS_GLOBAL, type KernelHarness } from './support/kernelHarnessApi.ts';
import { serveHarness, type HarnessPage } from './support/harnessPage.ts';

const TOLERANCE = 1e-4;
/** random problems; SwiftShader is slow, so volumes stay small */
const RANDOM_CASES = 8;
const RANDOM_MAX_EDGE = 9;
const seed = Number(process.env.FEDSEG_KERNEL_SEED ?? Date.now()) >>> 0;

const EDGE_CASES: readonly Conv3DCase[] = [
  { batch: 1, inShape: [7, 5, 3], inC: 64, outC: 64, k: [1, 1, 1], stride: 2, pad: 'valid' },
  { batch: 1, inShape: [5, 3, 7], inC: 1, outC: 64, k: [3, 3, 3], stride: 2, pad: 'same' },
  { batch: 2, inShape: [5, 7, 9], inC: 24, outC: 40, k: [3, 3, 3], stride: 1, pad: 'same' },
];

let server: HarnessPage;

test.beforeAll(async () => {
  server = await serveHarness('kernelHarness.ts', 'fedseg kernel harness');
});

test.afterAll(async () => {
  await server?.close();
});

/** Calls a method of the page's harness (window[KERNEL_HARNESS_GLOBAL]) with JSON arguments. */
async function harnessCall<M extends keyof KernelHarness>(
  page: Page, method: M, ...args: Parameters<KernelHarness[M]>
): Promise<Awaited<ReturnType<KernelHarness[M]>>> {
  const result: unknown = await page.evaluate(
    ([name, m, a]) => {
      const h = (window as unknown as Record<string, Record<string, (...x: unknown[]) => Promise<unknown>> | undefined>)[name];
      if (!h) throw new Error(`the harness page has no window.${name}: its bundle did not load`);
      return h[m]!(...a);
    },
    [KERNEL_HARNESS_GLOBAL, method, args as unknown[]] as const,
  );
  return result as Awaited<ReturnType<KernelHarness[M]>>;
}

test('fast WebGPU Conv3D kernels match the cpu backend in Chromium, and the stock kernels come back when disabled', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  console.log(`kernel seed ${seed} (replay: FEDSEG_KERNEL_SEED=${seed})`);
  await page.goto(server.url);
  await page.waitForFunction((name) => name in window, KERNEL_HARNESS_GLOBAL);

  const started = await harnessCall(page, 'start');
  console.log(`WebGPU adapter: ${JSON.stringify(started.adapter)}`);
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(started.adapter) });
  expect(started.backend).toBe('webgpu');
  expect(started.fastKernels.sort()).toEqual([...CONV3D_KERNEL_NAMES].sort());

  const rng = new Rng(seed);
  const restore = await harnessCall(page, 'checkRestore', rng.int(0, 2 ** 32));
  expect(restore.installedBefore.sort()).toEqual([...CONV3D_KERNEL_NAMES].sort());
  expect(restore.installedAfter).toEqual([]);
  expect(restore.swappedOnDisable, 'disabling puts the stock Conv3D back').toBe(true);
  expect(restore.swappedOnEnable, 'enabling again installs the fast kernels').toBe(true);
  expect(restore.stockRelativeError, 'the restored stock Conv3D against cpu').toBeLessThan(TOLERANCE);

  const cases = [...EDGE_CASES, ...Array.from({ length: RANDOM_CASES }, () => randomConv3DCase(rng, RANDOM_MAX_EDGE, 64))];
  for (const c of cases) {
    const caseSeed = rng.int(0, 2 ** 32);
    const t0 = Date.now();
    const rows = await harnessCall(page, 'compare', c, caseSeed);
    const where = `${describeCase(c)} (seed ${seed}, operand seed ${caseSeed})`;
    console.log(`${where}: ${rows.map((r) => `${r.kernel} ${r.relativeError.toExponential(1)}`).join(', ')} in ${Date.now() - t0} ms`);
    expect(rows.map((r) => r.kernel)).toEqual([...CONV3D_KERNEL_NAMES]);
    for (const r of rows) expect.soft(r.relativeError, `${r.kernel} ${where}`).toBeLessThan(TOLERANCE);
  }
  expect(errors).toEqual([]);
});
