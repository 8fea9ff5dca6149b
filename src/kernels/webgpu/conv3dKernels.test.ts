/**
 * The WebGPU kernels (Dawn on SwiftShader in Node) against tfjs's cpu backend, on
 * random problems with fresh random operands for every check. SwiftShader is slow:
 * volumes stay small.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { installNodeWebgpu } from '../../node/nodeWebgpu.ts';
import { Rng } from '../../core/util/rng.ts';
import { registerFastKernels, fastKernelsInstalled } from '../registerFastKernels.ts';
import {
  CONV3D_EDGE_CASES, CONV3D_KERNEL_NAMES, type Conv3DCase, describeCase, randomConv3DCase, randomOperands, relativeError, runConv3DKernel,
} from '../testing/conv3dCases.ts';

const seed = Date.now() >>> 0;
let webgpuOk = false;
let why = '';

beforeAll(async () => {
  const r = await installNodeWebgpu();
  if (!r.ok) {
    why = r.detail;
    return;
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  webgpuOk = await tf.setBackend('webgpu');
  if (!webgpuOk) why = 'tf.setBackend("webgpu") resolved false';
  registerFastKernels(tf, 'webgpu', { enabled: true });
});

afterAll(() => {
  registerFastKernels(tf, 'webgpu', { enabled: false });
});

async function check(c: Conv3DCase, rng: Rng): Promise<void> {
  for (const name of CONV3D_KERNEL_NAMES) {
    const ops = randomOperands(rng, c);
    await tf.setBackend('cpu');
    const want = await runConv3DKernel(tf, name, c, ops);
    await tf.setBackend('webgpu');
    const got = await runConv3DKernel(tf, name, c, ops);
    const err = relativeError(got, want);
    expect(err, `${name} ${describeCase(c)} (seed ${seed})`).toBeLessThan(1e-4);
  }
}

describe('fast WebGPU Conv3D kernels', () => {
  it('replace the stock kernels and restore them on request', () => {
    if (!webgpuOk) return expect.soft(why).toBe('');
    expect(fastKernelsInstalled('webgpu').sort()).toEqual([...CONV3D_KERNEL_NAMES].sort());
    const fast = tf.getKernel('Conv3D', 'webgpu')?.kernelFunc;
    registerFastKernels(tf, 'webgpu', { enabled: false });
    const stock = tf.getKernel('Conv3D', 'webgpu')?.kernelFunc;
    expect(stock).toBeDefined();
    expect(stock).not.toBe(fast);
    expect(fastKernelsInstalled('webgpu')).toEqual([]);
    registerFastKernels(tf, 'webgpu', { enabled: true });
    expect(tf.getKernel('Conv3D', 'webgpu')?.kernelFunc).not.toBe(stock);
  });

  it('match the cpu backend on edge cases (1 and 64 channels, kernel 1, stride 2 on odd sizes)', async () => {
    if (!webgpuOk) return expect.soft(why).toBe('');
    const rng = new Rng(seed);
    for (const c of CONV3D_EDGE_CASES) await check(c, rng);
  });

  it('match the cpu backend on random problems', async () => {
    if (!webgpuOk) return expect.soft(why).toBe('');
    const rng = new Rng(seed ^ 0x5eed);
    for (let i = 0; i < 8; i++) await check(randomConv3DCase(rng, 9, 24), rng);
  });
});
