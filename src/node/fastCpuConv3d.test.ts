/**
 * The fast cpu Conv3D kernels (im2col + XNNPACK) against tfjs's stock cpu kernels on
 * random problems, fresh random operands for every check, and through autodiff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../core/util/rng.ts';
import { registerFastCpuKernels } from './fastCpuConv3d.ts';
import { fastKernelsInstalled } from '../kernels/registerFastKernels.ts';
import {
  CONV3D_EDGE_CASES, CONV3D_KERNEL_NAMES, type Conv3DCase, describeCase, randomConv3DCase, randomOperands, relativeError, runConv3DKernel,
} from '../kernels/testing/conv3dCases.ts';

const seed = Date.now() >>> 0;

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});
afterAll(async () => {
  await registerFastCpuKernels(tf, { enabled: false });
});

async function check(c: Conv3DCase, rng: Rng): Promise<void> {
  for (const name of CONV3D_KERNEL_NAMES) {
    const ops = randomOperands(rng, c);
    await registerFastCpuKernels(tf, { enabled: false });
    const want = await runConv3DKernel(tf, name, c, ops);
    await registerFastCpuKernels(tf, { enabled: true });
    const got = await runConv3DKernel(tf, name, c, ops);
    expect(relativeError(got, want), `${name} ${describeCase(c)} (seed ${seed})`).toBeLessThan(1e-4);
  }
}

describe('fast cpu Conv3D kernels', () => {
  it('install over the stock kernels and restore them', async () => {
    const stock = tf.getKernel('Conv3D', 'cpu')?.kernelFunc;
    expect(await registerFastCpuKernels(tf, { enabled: true })).toHaveLength(3);
    expect(tf.getKernel('Conv3D', 'cpu')?.kernelFunc).not.toBe(stock);
    expect(await registerFastCpuKernels(tf, { enabled: false })).toEqual([]);
    expect(tf.getKernel('Conv3D', 'cpu')?.kernelFunc).toBe(stock);
    expect(fastKernelsInstalled('cpu')).toEqual([]);
  });

  it('match the stock kernels on edge cases', async () => {
    const rng = new Rng(seed);
    for (const c of CONV3D_EDGE_CASES) await check(c, rng);
  });

  it('match the stock kernels on random problems', async () => {
    const rng = new Rng(seed ^ 0xc0de);
    for (let i = 0; i < 12; i++) await check(randomConv3DCase(rng, 11, 40), rng);
  });

  it('give the stock gradients through tf.grads', async () => {
    const run = (): Promise<Float32Array[]> => {
      const r = new Rng(seed ^ 0x1234);
      const arr = (n: number): Float32Array => Float32Array.from({ length: n }, () => r.uniform(-1, 1));
      const x = tf.tensor5d(arr(1 * 9 * 8 * 7 * 5), [1, 9, 8, 7, 5]);
      const w1 = tf.tensor5d(arr(27 * 5 * 6), [3, 3, 3, 5, 6]);
      const w2 = tf.tensor5d(arr(27 * 6 * 4), [3, 3, 3, 6, 4]);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar =>
        tf.sum(tf.square(tf.conv3d(tf.relu(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 2, 'same')), c as tf.Tensor5D, 1, 'same')));
      const grads = tf.grads(loss)([x, w1, w2]);
      const out = Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      return out.finally(() => tf.dispose([x, w1, w2, ...grads]));
    };
    await registerFastCpuKernels(tf, { enabled: false });
    const want = await run();
    await registerFastCpuKernels(tf, { enabled: true });
    const got = await run();
    got.forEach((g, i) => expect(relativeError(g, want[i]!), `gradient ${i} (seed ${seed})`).toBeLessThan(1e-4));
  });
});
