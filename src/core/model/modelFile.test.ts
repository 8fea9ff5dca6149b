import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { getPreset } from './modelPresets.ts';
import { decodeModel, encodeModel } from './modelFile.ts';
import { UNet3D } from './unet3d.ts';

it('round-trips a model through manifest + binary and refuses a truncated binary', async () => {
  const model = UNet3D.create(getPreset('tiny'), 4);
  const w = await model.getWeights();
  const { manifest, bin } = encodeModel(model.preset, w, 'm.weights.bin', { steps: 3 });
  const back = decodeModel(JSON.parse(JSON.stringify(manifest)), bin, 'm.json');
  expect(back.preset).toEqual(getPreset('tiny'));
  model.setWeights(back.weights);
  back.weights.forEach((t, i) => expect(t.values).toEqual(w[i]?.values));
  expect(() => decodeModel(manifest, bin.slice(4), 'm.json')).toThrow(/m.json: expected \d+ bytes of weights; found/);
  expect(() => decodeModel({ format: 'other' }, bin, 'x.json')).toThrow(/x.json: expected a fedseg-model/);
  model.dispose();
});
