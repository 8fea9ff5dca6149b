/**
 * The model on WebGPU (Dawn on SwiftShader in Node) computes what it computes on the CPU
 * backend: the forward pass and the gradients of every weight of the tiny model agree
 * within 1e-4 relative error. Also: the wasm backend runs the same forward pass, its
 * stock Conv3D gradients are wrong, and with fedseg's Conv3D kernels it trains right.
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../core/model/modelPresets.ts';
import { UNet3D } from '../core/model/unet3d.ts';
import { segmentationLoss } from '../core/train/segmentationLoss.ts';
import { sphereCase } from '../core/train/sphereCase.ts';
import { PatchSampler } from '../core/train/patchSampler.ts';
import { trainLocal } from '../core/train/localTrainer.ts';
import { predictProbabilities } from '../core/inference/predictLabels.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { initTfNode, initTrainingBackend, registerWebgpu, type NodeBackend } from './tfNode.ts';
import { registerFastCpuKernels } from '../kernels/wasm/fastCpuConv3d.ts';
import { errorCodeAsync } from '../core/util/errorCode.ts';
import { relativeError } from '../kernels/testing/conv3dCases.ts';

// tiny's architecture on the smallest input it takes (8^3): SwiftShader is slow
const micro = { ...getPreset('tiny'), name: 'micro', patchSize: 8 };
const batch = await new PatchSampler([sphereCase({ seed: 1 })], { patchSize: 8, seed: 1, foregroundFraction: 1 }).next(1);

interface Result {
  logits: Float32Array;
  loss: number;
  grads: Float32Array[];
}

async function forwardAndGradients(backend: NodeBackend, weights?: WeightSet, fastKernels = false): Promise<Result & { weights: WeightSet }> {
  const { tf } = await initTfNode([backend], { fastKernels });
  if (!fastKernels && backend === 'wasm') await registerFastCpuKernels(tf, { enabled: false, backend: 'wasm' });
  const model = UNet3D.create(micro, 3);
  if (weights) model.setWeights(weights);
  const x = tf.tensor5d(batch.image, [1, 8, 8, 8, 4]);
  const y = tf.tensor2d(batch.targets, [512, 3]);
  const logits = model.apply(x, true);
  const { value, grads } = tf.variableGrads(() => segmentationLoss(model.apply(x, true), y), model.trainableVariables());
  const out = {
    logits: (await logits.data()) as Float32Array,
    loss: (await value.data())[0] as number,
    grads: [] as Float32Array[],
    weights: await model.getWeights(),
  };
  for (const v of model.trainableVariables()) out.grads.push((await (grads[v.name] as typeof value).data()) as Float32Array);
  tf.dispose([x, y, logits, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('the model on other backends', () => {
  it('WebGPU (Dawn) forward pass and gradients match the CPU backend within 1e-4', async (ctx) => {
    const gpu = await registerWebgpu();
    if (!gpu.ok) {
      console.warn(`SKIPPED WebGPU correctness: ${gpu.detail}`);
      ctx.skip();
    }
    const cpu = await forwardAndGradients('cpu');
    const web = await forwardAndGradients('webgpu', cpu.weights);
    expect(relativeError(web.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(Math.abs(web.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
    expect(web.grads.length).toBe(cpu.grads.length);
    cpu.grads.forEach((g, i) => {
      const err = relativeError(web.grads[i] as Float32Array, g);
      expect(err, `gradient of ${cpu.weights[i]?.name}`).toBeLessThan(1e-4);
    });
    // sliding-window inference gives the same probabilities (12^3 volume: 8 overlapping windows)
    const vol = sphereCase({ seed: 2, dims: [12, 12, 12] });
    const probs: Float32Array[] = [];
    for (const backend of ['cpu', 'webgpu'] as const) {
      await initTfNode([backend]);
      const m = UNet3D.create(micro, 3);
      m.setWeights(cpu.weights);
      probs.push(await predictProbabilities(m, vol));
      m.dispose();
    }
    expect(relativeError(probs[1] as Float32Array, probs[0] as Float32Array)).toBeLessThan(1e-4);

    // and the trainer runs there: Adam's update kernels compile and move the weights
    await initTfNode(['webgpu']);
    const model = UNet3D.create(micro, 3);
    const w0 = await model.getWeights();
    const losses: number[] = [];
    for await (const p of trainLocal(model, [sphereCase({ seed: 1 })], { steps: 2, batchSize: 1, optimizer: 'adam', learningRate: 0.01, seed: 1 })) losses.push(p.loss);
    const w1 = await model.getWeights();
    model.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(w1.every((t) => t.values.every(Number.isFinite))).toBe(true);
    w1.forEach((t, i) => expect(t.values).not.toEqual(w0[i]?.values));
    await initTfNode(['cpu']);
  });

  it('wasm forward pass matches the CPU backend', async () => {
    const cpu = await forwardAndGradients('cpu');
    const wasm = await forwardAndGradients('wasm', cpu.weights);
    expect(relativeError(wasm.logits, cpu.logits)).toBeLessThan(1e-4);
    expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
    await initTfNode(['cpu']);
  });

  // Known defect of @tensorflow/tfjs-backend-wasm 4.22: Conv3DBackpropInputV2 (and
  // Conv3DBackpropFilterV2 with stride 2) give wrong values, so training on wasm is wrong.
  // This test fails while the defect lasts; when it starts passing, drop `.fails`.
  it.fails('wasm gradients match the CPU backend (fails: tfjs-backend-wasm 4.22 conv3d gradients are wrong)', async () => {
    const cpu = await forwardAndGradients('cpu');
    const wasm = await forwardAndGradients('wasm', cpu.weights);
    await initTfNode(['cpu']);
    cpu.grads.forEach((g, i) => expect(relativeError(wasm.grads[i] as Float32Array, g), `gradient of ${cpu.weights[i]?.name}`).toBeLessThan(1e-4));
  });

  it("wasm with fedseg's Conv3D kernels: the whole model's gradients match the CPU backend, and it trains", async () => {
    const cpu = await forwardAndGradients('cpu');
    const wasm = await forwardAndGradients('wasm', cpu.weights, true);
    cpu.grads.forEach((g, i) => expect(relativeError(wasm.grads[i] as Float32Array, g), `gradient of ${cpu.weights[i]?.name}`).toBeLessThan(1e-4));
    const tfn = await initTrainingBackend('wasm');
    expect(tfn.backend).toBe('wasm');
    expect(tfn.fastKernels).toHaveLength(3);
    const model = UNet3D.create(micro, 3);
    const losses: number[] = [];
    const opts = { steps: 12, batchSize: 1, optimizer: 'adam' as const, learningRate: 0.01, seed: 1, foregroundFraction: 1 };
    for await (const p of trainLocal(model, [sphereCase({ seed: 1 })], opts)) losses.push(p.loss);
    model.dispose();
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    await initTfNode(['cpu']);
  });

  it('refuses wasm with stock kernels, and names an unknown backend', async () => {
    expect(await errorCodeAsync(() => initTrainingBackend('wasm', { stockKernels: true }))).toBe('BACKEND_UNSUITABLE');
    expect(await errorCodeAsync(() => initTrainingBackend('tpu' as NodeBackend))).toBe('UNKNOWN_BACKEND');
  });
});
