/**
 * Picks the tfjs backend of a Node process: 'cpu' (pure JS), 'wasm' (XNNPACK, from the
 * package's own .wasm files) or 'webgpu' (Dawn; SwiftShader where no GPU). Reports the
 * backend actually in use: setBackend can resolve false.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { FedsegError } from '../../core/util/errors.ts';
import { installNodeWebgpu } from '../nodeWebgpu.ts';

export const NODE_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export async function useNodeBackend(name: string): Promise<string> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new FedsegError('UNKNOWN_BACKEND', `unknown backend "${name}"; known: ${NODE_BACKENDS.join(', ')}`);
  }
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(pathToFileURL(dir + '/').pathname);
  } else {
    const gpu = await installNodeWebgpu();
    if (!gpu.ok) throw new FedsegError('BACKEND_UNAVAILABLE', `webgpu: ${gpu.detail}`);
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new FedsegError('BACKEND_UNAVAILABLE', `tfjs could not start the ${name} backend (in use: ${tf.getBackend() ?? 'none'})`);
  }
  await tf.ready();
  return tf.getBackend();
}
