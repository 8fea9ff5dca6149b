/**
 * The page side of e2e/kernels.spec.ts: bundled with esbuild and loaded into Chromium,
 * it puts a `KernelHarness` on `window` (under KERNEL_HARNESS_GLOBAL) that compares
 * fedseg's fast WebGPU Conv3D kernels against tfjs's cpu backend in the same page.
 * Its API (types, global name) is in kernelHarnessApi.ts, which the spec imports.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { Rng } from '../../src/core/util/rng.ts';
import { fastKernelsInstalled, registerFastKernels } from '../../src/kernels/registerFastKernels.ts';
import {
  CONV3D_KERNEL_NAMES, compareConv3DKernels, runConv3DKernel, relativeError, randomOperands,
  type Conv3DCase, type Conv3DKernelComparison,
} from '../../src/kernels/testing/conv3dCases.ts';
import { KERNEL_HARNESS_GLOBAL, type HarnessStart, type KernelHarness, type RestoreReport } from './kernelHarnessApi.ts';

async function start(): Promise<HarnessStart> {
  const gpu = navigator.gpu as GPU | undefined;
  if (!gpu) throw new Error('navigator.gpu is missing: this Chromium offers no WebGPU');
  const found = await gpu.requestAdapter();
  if (!found) throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter');
  const { vendor, architecture, device, description } = found.info;
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") resolved false');
  await tf.ready();
  const fastKernels = registerFastKernels(tf, 'webgpu', { enabled: true });
  return { backend: tf.getBackend(), adapter: { vendor, architecture, device, description }, fastKernels };
}

async function compare(c: Conv3DCase, seed: number): Promise<Conv3DKernelComparison[]> {
  return compareConv3DKernels(tf, c, new Rng(seed), 'webgpu');
}

async function checkRestore(seed: number): Promise<RestoreReport> {
  const conv3dFunc = (): unknown => tf.getKernel('Conv3D', 'webgpu')?.kernelFunc;
  const installedBefore = fastKernelsInstalled('webgpu');
  const fast = conv3dFunc();
  const installedAfter = registerFastKernels(tf, 'webgpu', { enabled: false });
  const stock = conv3dFunc();
  let stockRelativeError: number;
  try {
    const c: Conv3DCase = { batch: 1, inShape: [3, 4, 5], inC: 2, outC: 3, k: [3, 3, 3], stride: 1, pad: 'same' };
    const ops = randomOperands(new Rng(seed), c);
    await tf.setBackend('cpu');
    const want = await runConv3DKernel(tf, 'Conv3D', c, ops);
    await tf.setBackend('webgpu');
    stockRelativeError = relativeError(await runConv3DKernel(tf, 'Conv3D', c, ops), want);
  } finally {
    registerFastKernels(tf, 'webgpu', { enabled: true });
  }
  const again = conv3dFunc();
  return {
    installedBefore,
    installedAfter,
    swappedOnDisable: stock !== undefined && stock !== fast,
    swappedOnEnable: again !== stock && fastKernelsInstalled('webgpu').length === CONV3D_KERNEL_NAMES.length,
    stockRelativeError,
  };
}

const harness: KernelHarness = { start, compare, checkRestore };

(globalThis as Record<string, unknown>)[KERNEL_HARNESS_GLOBAL] = harness;
