/**
 * Registers every tfjs backend the Worker can use and picks one through the core's
 * selectBackend (webgpu, then webgl, then wasm, then cpu), reporting the backend
 * actually in use, why the others were refused and what that means for speed.
 *
 * WebGPU is probed first (navigator.gpu, an adapter), so that a refusal says why in
 * words. Right after a reload the previous page's GPU device may not be released yet
 * and initialisation can fail once; when an adapter exists, WebGPU is tried again a few
 * times before the worker settles for a fallback.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '../core/model/selectBackend.ts';
import { registerFastKernels } from '../kernels/registerFastKernels.ts';
import { BACKEND_ORDER, backendMeaning } from './backendNotes.ts';
import { configureWasmPaths } from './wasmPaths.ts';
import type { BackendInfo } from './workerApi.ts';

const WEBGPU_RETRIES = 3;
const RETRY_DELAY_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether this context can get a WebGPU adapter, and if not, why (in words). */
export async function probeWebGpu(): Promise<{ ok: boolean; reason: string }> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ok: false, reason: 'this browser offers no WebGPU here (navigator.gpu is missing: an older browser, or WebGPU disabled by policy)' };
  for (let i = 0; i <= WEBGPU_RETRIES; i++) {
    try {
      if (await gpu.requestAdapter({ powerPreference: 'high-performance' })) return { ok: true, reason: '' };
    } catch (e) {
      return { ok: false, reason: `requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (i < WEBGPU_RETRIES) await sleep(RETRY_DELAY_MS);
  }
  return { ok: false, reason: 'the browser found no WebGPU adapter (no supported GPU, or its driver is blocked)' };
}

/**
 * `fastKernels` (default true) serves Conv3D and its gradients on WebGPU with fedseg's
 * tiled kernels (src/kernels); false keeps the stock tfjs kernels.
 */
export async function chooseBackend(order: readonly string[] = BACKEND_ORDER, fastKernels = true): Promise<BackendInfo> {
  configureWasmPaths();
  const webgpuFirst = order[0] === 'webgpu';
  const probe = webgpuFirst ? await probeWebGpu() : { ok: false, reason: '' };
  let choice = await selectBackend(tf, [...order]);
  for (let i = 0; webgpuFirst && probe.ok && choice.backend !== 'webgpu' && i < WEBGPU_RETRIES; i++) {
    await sleep(RETRY_DELAY_MS);
    if (await tf.setBackend('webgpu').catch(() => false)) {
      if (tf.getBackend() === 'webgpu') choice = { backend: 'webgpu', refused: [] };
    }
  }
  const refused = choice.refused.map((r) =>
    r.name === 'webgpu' && !probe.ok && probe.reason ? { name: r.name, reason: probe.reason } : { name: r.name, reason: r.reason });
  const fast = choice.backend === 'webgpu' ? registerFastKernels(tf, 'webgpu', { enabled: fastKernels }) : [];
  return { backend: choice.backend, refused, meaning: backendMeaning(choice.backend), fellBack: choice.backend !== order[0], fastKernels: fast };
}
