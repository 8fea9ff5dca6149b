import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { FedsegError } from '../util/errors.ts';
import { MODEL_PRESETS, getPreset } from './modelPresets.ts';
import { UNet3D } from './unet3d.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('UNet3D', () => {
  it.each(Object.keys(MODEL_PRESETS))('%s maps [b,d,h,w,4] to logits [b,d,h,w,3]', async (name) => {
    const preset = getPreset(name);
    const model = UNet3D.create(preset, 1);
    // fully convolutional: standard and fets are checked on a small input, not their patch
    const shape: [number, number, number, number] = name === 'tiny' ? [1, 16, 32, 8] : [1, 8, 8, 16];
    const x = tf.randomNormal([...shape, 4]) as tf.Tensor5D;
    const y = model.apply(x, false);
    expect(y.shape).toEqual([...shape, 3]);
    const v = await y.data();
    expect(v.every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    expect(model.flopsPerStep(1)).toBeGreaterThan(0);
    model.dispose();
  });

  it("norm 'batch' pools statistics over the batch: samples then influence each other", async () => {
    const x = tf.randomNormal([2, 8, 8, 8, 4], 0, 1, 'float32', 3) as tf.Tensor5D;
    const first = tf.slice(x, [0, 0, 0, 0, 0], [1, 8, 8, 8, 4]) as tf.Tensor5D;
    const outputs: Float32Array[] = [];
    for (const norm of ['instance', 'batch'] as const) {
      const model = UNet3D.create({ ...getPreset('tiny'), norm, patchSize: 8 }, 1);
      const both = model.apply(x, true);
      const alone = model.apply(first, true);
      const a = (await tf.slice(both, [0, 0, 0, 0, 0], [1, 8, 8, 8, 3]).data()) as Float32Array;
      const b = (await alone.data()) as Float32Array;
      outputs.push(a.map((v, i) => Math.abs(v - (b[i] as number))));
      tf.dispose([both, alone]);
      model.dispose();
    }
    expect(Math.max(...(outputs[0] as Float32Array))).toBeLessThan(1e-4);
    expect(Math.max(...(outputs[1] as Float32Array))).toBeGreaterThan(1e-3);
    tf.dispose([x, first]);
  });

  it('fets is residual with base 32 filters and standard has base 16', () => {
    expect(getPreset('fets')).toMatchObject({ residual: true, baseFilters: 32, patchSize: 64 });
    expect(getPreset('standard')).toMatchObject({ residual: false, baseFilters: 16, patchSize: 64 });
    expect(getPreset('tiny')).toMatchObject({ baseFilters: 4, patchSize: 16 });
  });

  it('names an unknown preset and the known ones', () => {
    expect(() => getPreset('huge')).toThrow(/unknown model preset "huge"; known: tiny, standard, fets/);
  });

  it('refuses an input whose edges are not multiples of 2^(levels-1)', () => {
    const model = UNet3D.create(getPreset('tiny'), 1);
    const x = tf.zeros([1, 10, 16, 16, 4]) as tf.Tensor5D;
    expect(() => model.apply(x, false)).toThrow(/multiples of 4; found \[1, 10, 16, 16, 4\]/);
    x.dispose();
    model.dispose();
  });

  it('is deterministic for a seed and round-trips its weights', async () => {
    const a = UNet3D.create(getPreset('tiny'), 7);
    const b = UNet3D.create(getPreset('tiny'), 7);
    const c = UNet3D.create(getPreset('tiny'), 8);
    const wa = await a.getWeights();
    const wb = await b.getWeights();
    const wc = await c.getWeights();
    expect(wa.map((t) => t.name)).toEqual(a.weightSpec().map((s) => s.name));
    expect(wa.map((t) => t.shape)).toEqual(a.weightSpec().map((s) => s.shape));
    expect(wa[0]?.values).toEqual(wb[0]?.values);
    expect(wa[0]?.values).not.toEqual(wc[0]?.values);
    c.setWeights(wa);
    const back = await c.getWeights();
    back.forEach((t, i) => expect(t.values).toEqual(wa[i]?.values));
    // a copy: changing what getWeights returned does not change the model
    (back[0] as { values: Float32Array }).values.fill(5);
    expect((await c.getWeights())[0]?.values).toEqual(wa[0]?.values);
    for (const m of [a, b, c]) m.dispose();
  });

  it('setWeights refuses a wrong shape with WEIGHTS_MISMATCH naming the tensor', async () => {
    const model = UNet3D.create(getPreset('tiny'), 1);
    const w = await model.getWeights();
    const bad = w.map((t, i) => (i === 2 ? { ...t, shape: [t.values.length, 1], values: t.values } : t));
    let err: unknown;
    try {
      model.setWeights(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FedsegError);
    expect((err as FedsegError).code).toBe('WEIGHTS_MISMATCH');
    expect((err as FedsegError).message).toContain(w[2]?.name);
    expect(() => model.setWeights(w.slice(1))).toThrow(/has \d+ weight tensors; found/);
    model.dispose();
  });

  it('counts training FLOPs that grow with the preset', () => {
    const tiny = UNet3D.create(getPreset('tiny'), 1);
    const flops = tiny.flopsPerStep(1);
    expect(tiny.flopsPerStep(2)).toBe(2 * flops);
    // first conv alone: 2 * 27 * 4 * 4 * 16^3 forward, x3 for training
    expect(flops).toBeGreaterThan(3 * 2 * 27 * 4 * 4 * 16 ** 3);
    tiny.dispose();
  });
});
