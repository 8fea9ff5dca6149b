/**
 * The fast cpu Conv3D kernels (im2col + XNNPACK) against tfjs's stock cpu kernels on
 * random problems, fresh random operands for every check, and through autodiff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../core/util/rng.ts';
import { registerFastCpuKernels } from './fastCpuConv3d.ts';
import { registerWasm } from '../../node/tfNode.ts';
import { fastKernelsInstalled } from '../registerFastKernels.ts';
import {
  CONV3D_EDGE_CASES, CONV3D_KERNEL_NAMES, type Conv3DCase, describeCase, randomConv3DCase, randomOperands, relativeError, runConv3DKernel,
} from '../testing/conv3dCases.ts';

const seed = Date.now() >>> 0;

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});
afterAll(async () => {
  await registerFastCpuKernels(tf, { enabled: false });
  await registerFastCpuKernels(tf, { enabled: false, backend: 'wasm' });
  await tf.setBackend('cpu');
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
    await registerFastCpuKernels(tf, { enabled: false });
    const want = await twoConvGradients();
    await registerFastCpuKernels(tf, { enabled: true });
    const got = await twoConvGradients();
    got.forEach((g, i) => expect(relativeError(g, want[i]!), `gradient ${i} (seed ${seed})`).toBeLessThan(1e-4));
  });
});

/** Gradients of a two-convolution loss (stride 2 then 1) on the current backend, seeded. */
function twoConvGradients(): Promise<Float32Array[]> {
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
}

/**
 * On the wasm backend the kernels read and write the backend's own heap. The reference
 * is the stock *cpu* backend: tfjs-backend-wasm 4.22's own Conv3D gradients are wrong
 * (src/node/tfNode.test.ts), and the fast kernels are what make wasm trainable.
 */
describe('fast Conv3D kernels on the wasm backend', () => {
  async function onWasm<T>(body: () => Promise<T>): Promise<T> {
    await registerWasm();
    await registerFastCpuKernels(tf, { enabled: true, backend: 'wasm' });
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      return await body();
    } finally {
      await tf.setBackend('cpu');
    }
  }

  it('match the stock cpu kernels on edge and random problems', async () => {
    const rng = new Rng(seed ^ 0x5a5a);
    const cases = [...CONV3D_EDGE_CASES, ...Array.from({ length: 6 }, () => randomConv3DCase(rng, 9, 24))];
    await registerFastCpuKernels(tf, { enabled: false });
    for (const c of cases) {
      for (const name of CONV3D_KERNEL_NAMES) {
        const ops = randomOperands(rng, c);
        const want = await runConv3DKernel(tf, name, c, ops);
        const got = await onWasm(() => runConv3DKernel(tf, name, c, ops));
        expect(relativeError(got, want), `wasm ${name} ${describeCase(c)} (seed ${seed})`).toBeLessThan(1e-4);
      }
    }
  });

  it('give the stock cpu gradients through tf.grads', async () => {
    await registerFastCpuKernels(tf, { enabled: false });
    const want = await twoConvGradients();
    const got = await onWasm(twoConvGradients);
    got.forEach((g, i) => expect(relativeError(g, want[i]!), `wasm gradient ${i} (seed ${seed})`).toBeLessThan(1e-4));
    expect(fastKernelsInstalled('wasm')).toHaveLength(3);
  });
});
