/**
 * Registers every tfjs backend the Worker can use and picks one (webgpu, then webgl,
 * then wasm, then cpu) through selectTrainingBackend, reporting the backend actually in
 * use, why the others were refused and what that means for speed. wasm runs only with
 * fedseg's Conv3D kernels (src/kernels/wasm) installed: its own Conv3D gradients are
 * wrong in tfjs 4.22; if the kernels cannot be installed, wasm is refused and cpu follows.
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
import { registerFastKernels } from '../kernels/registerFastKernels.ts';
import { registerFastCpuKernels } from '../kernels/wasm/fastCpuConv3d.ts';
import { BACKEND_ORDER, backendMeaning, isSoftwareAdapter, type AdapterInfoLike } from './backendNotes.ts';
import { selectTrainingBackend } from './selectTrainingBackend.ts';
import { configureWasmPaths } from './wasmPaths.ts';
import type { BackendInfo } from './workerApi.ts';

const WEBGPU_RETRIES = 3;
const RETRY_DELAY_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether this context can get a WebGPU adapter, and if not, why (in words); `software`: the adapter renders on the processor. */
export async function probeWebGpu(): Promise<{ ok: boolean; reason: string; software?: boolean }> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ok: false, reason: 'this browser offers no WebGPU here (navigator.gpu is missing: an older browser, or WebGPU disabled by policy)' };
  for (let i = 0; i <= WEBGPU_RETRIES; i++) {
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (adapter) return { ok: true, reason: '', software: isSoftwareAdapter((adapter as { info?: AdapterInfoLike }).info) };
    } catch (e) {
      return { ok: false, reason: `requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (i < WEBGPU_RETRIES) await sleep(RETRY_DELAY_MS);
  }
  return { ok: false, reason: 'the browser found no WebGPU adapter (no supported GPU, or its driver is blocked)' };
}

/** Why WebGL cannot start in this context, in words, or undefined when it can get a context. */
export function webglMissingReason(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return 'this browser offers no OffscreenCanvas in a Worker, which WebGL needs here';
  for (const kind of ['webgl2', 'webgl'] as const) {
    try {
      if (new OffscreenCanvas(1, 1).getContext(kind)) return undefined;
    } catch {
      // no context of this kind: try the next
    }
  }
  return 'this browser offers no WebGL here (no usable graphics card or driver, or WebGL disabled)';
}

/**
 * `fastKernels` (default true) serves Conv3D and its gradients with fedseg's kernels:
 * on WebGPU its tiled WGSL kernels (src/kernels/webgpu), on wasm im2col + XNNPACK
 * (src/kernels/wasm). false keeps the stock tfjs kernels on WebGPU and refuses wasm.
 * Any `order` naming wasm (e.g. init(['wasm']) to force it) gets the wasm kernels.
 */
export async function chooseBackend(order: readonly string[] = BACKEND_ORDER, fastKernels = true): Promise<BackendInfo> {
  configureWasmPaths();
  const webgpuFirst = order[0] === 'webgpu';
  const probe = webgpuFirst ? await probeWebGpu() : { ok: false, reason: '' };
  // configureWasmPaths() above also serves the kernels' private wasm module
  const installWasmKernels = fastKernels ? () => registerFastCpuKernels(tf, { enabled: true, backend: 'wasm' }) : undefined;
  let choice = await selectTrainingBackend(tf, order, installWasmKernels);
  for (let i = 0; webgpuFirst && probe.ok && choice.backend !== 'webgpu' && i < WEBGPU_RETRIES; i++) {
    await sleep(RETRY_DELAY_MS);
    if (await tf.setBackend('webgpu').catch(() => false)) {
      if (tf.getBackend() === 'webgpu') choice = { backend: 'webgpu', refused: [], wasmKernels: [] };
    }
  }
  // the probes say in words why a GPU backend failed where tfjs only says that it did
  const refused = choice.refused.map((r) => {
    if (r.name === 'webgpu' && !probe.ok && probe.reason) return { name: r.name, reason: probe.reason };
    if (r.name === 'webgl') return { name: r.name, reason: webglMissingReason() ?? r.reason };
    return { name: r.name, reason: r.reason };
  });
  const fast = choice.backend === 'webgpu' ? registerFastKernels(tf, 'webgpu', { enabled: fastKernels }) : choice.wasmKernels;
  return { backend: choice.backend, refused, meaning: backendMeaning(choice.backend, probe.software === true), fellBack: choice.backend !== order[0], fastKernels: fast };
}
