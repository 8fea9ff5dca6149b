import { describe, expect, it } from 'vitest';
import { getPreset } from '../core/model/modelPresets.ts';
import { UNet3D } from '../core/model/unet3d.ts';
import '@tensorflow/tfjs-backend-cpu';
import { initialModel } from './initialModel.ts';

describe('initialModel', () => {
  it('has the names and shapes of UNet3D and its seeded initialisation', async () => {
    const preset = getPreset('tiny');
    const m = UNet3D.create(preset, 7);
    const expected = await m.getWeights();
    m.dispose();
    const w = initialModel(preset, 7);
    expect(w.map((t) => [t.name, t.shape])).toEqual(expected.map((t) => [t.name, t.shape]));
    for (let i = 0; i < w.length; i++) expect(Array.from(w[i]!.values)).toEqual(Array.from(expected[i]!.values));
    expect(initialModel(preset, 8)[0]!.values).not.toEqual(w[0]!.values);
  });
});
