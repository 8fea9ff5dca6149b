import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../model/modelPresets.ts';
import { UNet3D } from '../model/unet3d.ts';
import { predictLabels } from '../inference/predictLabels.ts';
import { FedsegError } from '../util/errors.ts';
import { evaluateModel } from './evaluateModel.ts';
import { trainLocal, type TrainOptions, type TrainProgress, type TrainSummary } from './localTrainer.ts';
import { sphereCase } from './sphereCase.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** tiny's architecture on 8^3 patches: the same code path at an eighth of the cost */
const micro = { ...getPreset('tiny'), name: 'micro', patchSize: 8 };

async function run(model: UNet3D, opts: TrainOptions, cases = [sphereCase({ seed: 1 })]) {
  const progress: TrainProgress[] = [];
  const it = trainLocal(model, cases, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return { progress, summary: r.value as TrainSummary };
    progress.push(r.value);
  }
}

describe('trainLocal', () => {
  const trained = UNet3D.create(getPreset('tiny'), 1);
  const c = sphereCase({ seed: 3, dims: [16, 16, 16] });

  it('overfits one case on the CPU backend: the loss falls and Dice > 0.8 in every region', async () => {
    const { progress, summary } = await run(
      trained,
      { steps: 40, batchSize: 1, optimizer: 'adam', learningRate: 0.03, seed: 1 },
      [c],
    );
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const first = progress.slice(0, 5).reduce((s, p) => s + p.loss, 0) / 5;
    const last = progress.slice(-5).reduce((s, p) => s + p.loss, 0) / 5;
    expect(last).toBeLessThan(first * 0.5);
    expect(summary).toMatchObject({ steps: 40, samples: 40 });
    expect(summary.lastLoss).toBe(progress[39]?.loss);
    expect(progress[39]?.etaMs).toBe(0);
    expect(progress[0]?.voxelsPerSecond).toBeGreaterThan(0);
    const result = await evaluateModel(trained, [c]);
    expect(result.cases).toBe(1);
    expect(result.dice.ET).toBeGreaterThan(0.8);
    expect(result.dice.TC).toBeGreaterThan(0.8);
    expect(result.dice.WT).toBeGreaterThan(0.8);
  });

  it('predictLabels covers a volume bigger than a window, of a non-multiple size, with labels {0,1,2,4}', async () => {
    const big = sphereCase({ seed: 4, dims: [27, 21, 18] });
    const seen: number[] = [];
    const labels = await predictLabels(trained, big, { onProgress: (done, total) => seen.push(done / total) });
    expect(labels.length).toBe(27 * 21 * 18);
    // windows: x 0,8,11  y 0,5  z 0,2 (16-voxel windows, step 8)
    expect(seen.length).toBe(3 * 2 * 2);
    expect(seen.at(-1)).toBe(1);
    const values = new Set(labels);
    for (const v of values) expect([0, 1, 2, 4]).toContain(v);
    expect(values.has(0)).toBe(true);
    expect(values.size).toBeGreaterThan(1);
    trained.dispose();
  });

  it('does not grow tf.memory().numTensors over 20 steps (Adam, and SGD with FedProx)', async () => {
    const model = UNet3D.create(micro, 2);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const it = trainLocal(model, [sphereCase({ seed: 1 })], { steps: 20, batchSize: 1, optimizer: 'adam', learningRate: 0.01, seed: 2 });
    for await (const p of it) if (p.step >= 2) counts.push(tf.memory().numTensors);
    // after step 1 only Adam's moment slots were added; no step leaves a tensor behind
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    await run(model, { steps: 3, batchSize: 2, optimizer: 'sgd', learningRate: 0.01, seed: 2, proximalMu: 0.1 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('the FedProx term pulls the weights towards the starting point', async () => {
    const distance = async (mu: number): Promise<number> => {
      const model = UNet3D.create(micro, 5);
      const w0 = await model.getWeights();
      await run(model, { steps: 3, batchSize: 1, optimizer: 'sgd', learningRate: 0.5, seed: 1, proximalMu: mu });
      const w1 = await model.getWeights();
      model.dispose();
      let d = 0;
      w1.forEach((t, i) => t.values.forEach((v, k) => (d += (v - (w0[i]?.values[k] ?? 0)) ** 2)));
      return d;
    };
    expect(await distance(1.5)).toBeLessThan(await distance(0));
  });

  it('refuses bad options and unlabelled cases, and stops when aborted', async () => {
    const model = UNet3D.create(micro, 1);
    const base: TrainOptions = { steps: 2, batchSize: 1, optimizer: 'adam', learningRate: 0.01, seed: 1 };
    await expect(run(model, { ...base, steps: 0 })).rejects.toThrow(/steps a positive integer; found 0/);
    const { label: _, ...unlabelled } = sphereCase({ seed: 1 });
    await expect(run(model, base, [unlabelled])).rejects.toThrow(/needs a label volume/);
    const ctl = new AbortController();
    const it = trainLocal(model, [sphereCase({ seed: 1 })], { ...base, steps: 5, signal: ctl.signal });
    await it.next();
    ctl.abort();
    const err = await it.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FedsegError);
    expect((err as FedsegError).code).toBe('TRAINING_ABORTED');
    model.dispose();
  });

  it('prediction and evaluation stop between windows when aborted (PREDICTION_ABORTED)', async () => {
    const model = UNet3D.create(micro, 1);
    const big = sphereCase({ seed: 2, dims: [20, 12, 12] });
    const ctl = new AbortController();
    let windows = 0;
    const err = await predictLabels(model, big, {
      signal: ctl.signal,
      onProgress: (done) => {
        windows = done;
        if (done === 2) ctl.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FedsegError);
    expect((err as FedsegError).code).toBe('PREDICTION_ABORTED');
    expect((err as Error).message).toMatch(/after 2 of \d+ windows/);
    expect(windows).toBe(2);
    const aborted = new AbortController();
    aborted.abort();
    await expect(evaluateModel(model, [big], { signal: aborted.signal })).rejects.toMatchObject({ code: 'PREDICTION_ABORTED' });
    model.dispose();
  });
});
