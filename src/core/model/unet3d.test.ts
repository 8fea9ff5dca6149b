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
    const s = name === 'tiny' ? preset.patchSize : 8;
    const x = tf.randomNormal([1, s, 2 * s, 8, 4]) as tf.Tensor5D;
    const y = model.apply(x, false);
    expect(y.shape).toEqual([1, s, 2 * s, 8, 3]);
    const v = await y.data();
    expect(v.every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    expect(model.flopsPerStep(1)).toBeGreaterThan(0);
    model.dispose();
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
