/**
 * The Worker's backend rule, run in Node with tfjs's real cpu and wasm backends: wasm
 * is used only with fedseg's Conv3D kernels installed, and refused with the reason
 * (cpu following) when they cannot be or are switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerFastKernels, fastKernelsInstalled } from '../kernels/registerFastKernels.ts';
import { fastCpuConv3dFactories, registerFastCpuKernels } from '../kernels/wasm/fastCpuConv3d.ts';
import type { WasmGemm } from '../kernels/wasm/wasmGemm.ts';
import { registerWasm } from '../node/tfNode.ts';
import { FedsegError } from '../core/util/errors.ts';
import { selectTrainingBackend } from './selectTrainingBackend.ts';

const install = (): Promise<string[]> => registerFastCpuKernels(tf, { enabled: true, backend: 'wasm' });
const failing = async (): Promise<string[]> => {
  throw new Error('no WebAssembly here');
};
const removeWasmKernels = (): string[] =>
  registerFastKernels(tf, 'wasm', { enabled: false, factories: fastCpuConv3dFactories(tf, undefined as unknown as WasmGemm, 'wasm') });

beforeAll(async () => {
  await registerWasm();
});
afterAll(async () => {
  removeWasmKernels();
  await tf.setBackend('cpu');
});

describe('selectTrainingBackend', () => {
  it('starts wasm with fedseg\'s Conv3D kernels installed over the stock ones', async () => {
    removeWasmKernels();
    const stock = tf.getKernel('Conv3D', 'wasm')?.kernelFunc;
    const choice = await selectTrainingBackend(tf, ['wasm', 'cpu'], install);
    expect(choice).toEqual({ backend: 'wasm', refused: [], wasmKernels: expect.arrayContaining(['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']) });
    expect(tf.getBackend()).toBe('wasm');
    expect(fastKernelsInstalled('wasm')).toHaveLength(3);
    expect(tf.getKernel('Conv3D', 'wasm')?.kernelFunc).not.toBe(stock);
    // and the kernels compute: a 1x1x1 convolution is a weighted sum of channels
    const y = tf.conv3d(tf.tensor5d([1, 2], [1, 1, 1, 1, 2]), tf.tensor5d([3, 4], [1, 1, 1, 2, 1]), 1, 'same');
    expect(Array.from(await y.data())).toEqual([11]);
    y.dispose();
  });

  it('refuses wasm with the reason when the kernels cannot be installed, and cpu follows', async () => {
    const choice = await selectTrainingBackend(tf, ['nosuch', 'wasm', 'cpu'], failing);
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.wasmKernels).toEqual([]);
    expect(choice.refused.map((r) => r.name)).toEqual(['nosuch', 'wasm']);
    expect(choice.refused[1]!.reason).toMatch(/Conv3D kernels for wasm could not be installed \(no WebAssembly here\).*gradients are wrong/);
  });

  it('refuses wasm when the kernels are switched off, without starting it', async () => {
    await tf.setBackend('cpu');
    const choice = await selectTrainingBackend(tf, ['wasm', 'cpu'], undefined);
    expect(choice.backend).toBe('cpu');
    expect(choice.refused).toEqual([{ name: 'wasm', reason: expect.stringMatching(/switched off.*gradients are wrong/) }]);
  });

  it('fails with NO_BACKEND naming wasm\'s refusal when nothing follows it', async () => {
    const err = await selectTrainingBackend(tf, ['wasm'], failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FedsegError);
    expect((err as FedsegError).code).toBe('NO_BACKEND');
    expect((err as FedsegError).message).toMatch(/wasm \(fedseg's Conv3D kernels for wasm could not be installed \(no WebAssembly here\)/);
  });
});
