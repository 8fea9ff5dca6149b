/**
 * Registers every tfjs backend the Worker can use and picks one through the core's
 * selectBackend (webgpu, then webgl, then wasm, then cpu), reporting the backend
 * actually in use, why the others were refused and what that means for speed.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '../core/model/selectBackend.ts';
import { BACKEND_ORDER, backendMeaning } from './backendNotes.ts';
import { configureWasmPaths } from './wasmPaths.ts';
import type { BackendInfo } from './workerApi.ts';

export async function chooseBackend(order: readonly string[] = BACKEND_ORDER): Promise<BackendInfo> {
  configureWasmPaths();
  const { backend, refused } = await selectBackend(tf, [...order]);
  return {
    backend,
    refused: refused.map((r) => ({ name: r.name, reason: r.reason })),
    meaning: backendMeaning(backend),
    fellBack: backend !== order[0],
  };
}
