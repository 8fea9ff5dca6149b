/**
 * TensorFlow.js for Node, in one place: registers the backends Node can run (pure-JS
 * cpu always; wasm from the package's own .wasm files; webgpu through Dawn when asked)
 * and selects one with the platform-free selectBackend.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend, type BackendChoice } from '../core/model/selectBackend.ts';
import { installNodeWebgpu } from './nodeWebgpu.ts';
import { FedsegError } from '../core/util/errors.ts';

export type NodeBackend = 'cpu' | 'wasm' | 'webgpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['cpu', 'wasm', 'webgpu'];

let wasmLoaded = false;

/**
 * Gradients: tfjs-core's own registration module is an ES module Node cannot load (see
 * src/core/model/ensureGradients.ts); the union package's Node bundle registers the same
 * gradient functions into the shared registry.
 */
export function registerGradients(): void {
  if (!tf.getGradient('Conv3D')) createRequire(import.meta.url)('@tensorflow/tfjs');
}
let webgpuResult: { ok: boolean; detail: string } | undefined;

/** Registers the wasm backend (its .wasm files from node_modules). */
export async function registerWasm(): Promise<void> {
  if (wasmLoaded) return;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(join(dirname(pkg), 'dist') + '/');
  wasmLoaded = true;
}

/**
 * Installs WebGPU from Dawn and registers the webgpu backend (the backend registers
 * itself only if navigator.gpu exists when it loads). Resolves with why it failed.
 */
export async function registerWebgpu(): Promise<{ ok: boolean; detail: string }> {
  if (webgpuResult) return webgpuResult;
  const r = await installNodeWebgpu();
  if (r.ok) await import('@tensorflow/tfjs-backend-webgpu');
  webgpuResult = r;
  return r;
}

export interface TfNode extends BackendChoice {
  readonly tf: typeof tf;
  /** the WebGPU adapter, when webgpu was tried */
  readonly adapter?: string;
  /** kernels served by fedseg's fast Conv3D implementations (empty: stock tfjs kernels) */
  readonly fastKernels: readonly string[];
}

export interface TfNodeOptions {
  /** serve Conv3D and its gradients with src/kernels (webgpu) or src/kernels/wasm (cpu, wasm); default false (stock) */
  readonly fastKernels?: boolean;
}

/**
 * Starts tfjs on the first backend of `order` that works (default: just cpu) and says
 * which one runs and why the others were refused.
 */
export async function initTfNode(order: readonly NodeBackend[] = ['cpu'], opts: TfNodeOptions = {}): Promise<TfNode> {
  registerGradients();
  let adapter: string | undefined;
  const preRefused: BackendChoice['refused'] = [];
  if (order.includes('wasm')) await registerWasm();
  if (order.includes('webgpu')) {
    const r = await registerWebgpu();
    if (r.ok) adapter = r.detail;
    else preRefused.push({ name: 'webgpu', reason: r.detail });
  }
  const choice = await selectBackend(tf, order.filter((b) => !preRefused.some((p) => p.name === b)));
  await tf.ready();
  const fastKernels = opts.fastKernels ? await enableFastKernels(choice.backend) : [];
  return { tf, backend: choice.backend, refused: [...preRefused, ...choice.refused], fastKernels, ...(adapter ? { adapter } : {}) };
}

/** Fast Conv3D kernels for the backend in use. */
async function enableFastKernels(backend: string): Promise<string[]> {
  if (backend === 'cpu' || backend === 'wasm') {
    const { registerFastCpuKernels } = await import('../kernels/wasm/fastCpuConv3d.ts');
    const names = await registerFastCpuKernels(tf, { enabled: true, backend });
    // loading the wasm module (for its matrix product) registers the wasm backend: stay on the chosen one
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return names;
  }
  if (backend === 'webgpu') {
    const { registerFastKernels } = await import('../kernels/registerFastKernels.ts');
    return registerFastKernels(tf, 'webgpu', { enabled: true });
  }
  return [];
}

/** The backend Node trains on unless told otherwise: wasm (XNNPACK, SIMD) with fedseg's Conv3D kernels. */
export const DEFAULT_TRAINING_BACKEND: NodeBackend = 'wasm';

/**
 * Starts `backend` for training, or refuses with a FedsegError saying why:
 * BACKEND_UNSUITABLE for wasm with stock kernels (tfjs-backend-wasm 4.22's own Conv3D
 * gradients are wrong, so a model does not learn there; fedseg's kernels replace them),
 * BACKEND_UNAVAILABLE when the backend cannot start (e.g. no WebGPU adapter).
 */
export async function initTrainingBackend(backend: NodeBackend, opts: { stockKernels?: boolean } = {}): Promise<TfNode> {
  if (!NODE_BACKENDS.includes(backend)) {
    throw new FedsegError('UNKNOWN_BACKEND', `backend: expected one of ${NODE_BACKENDS.join(', ')}; found "${backend}"`);
  }
  if (backend === 'wasm' && opts.stockKernels) {
    throw new FedsegError(
      'BACKEND_UNSUITABLE',
      "wasm with stock kernels: tfjs-backend-wasm 4.22's Conv3D gradients are wrong, so a model cannot train there; drop --stock-kernels or use cpu",
    );
  }
  const tfn = await initTfNode([backend], { fastKernels: !opts.stockKernels });
  if (tfn.backend !== backend) {
    const why = tfn.refused.map((r) => `${r.name}: ${r.reason}`).join('; ') || 'not available';
    throw new FedsegError('BACKEND_UNAVAILABLE', `backend ${backend} could not start: ${why}`);
  }
  return tfn;
}
