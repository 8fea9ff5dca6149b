/** The layer shapes the kernel benchmark measures (no timing here). */
import { describe, expect, it } from 'vitest';
import { convFlops, presetConvLayers } from './kernelBench.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { unetPlan, unetTrainingFlops } from '../src/core/model/unetSpec.ts';

describe('presetConvLayers', () => {
  it('covers every convolution of the U-Net once, so its FLOPs are a training step\'s', () => {
    for (const name of ['tiny', 'standard', 'fets']) {
      const patch = getPreset(name).patchSize;
      const layers = presetConvLayers(name, patch);
      const forward = layers.reduce((s, l) => s + convFlops(l.conv) * l.count, 0);
      expect(3 * forward).toBeCloseTo(unetTrainingFlops(unetPlan(getPreset(name)), patch, 1), -3);
      expect(layers.reduce((s, l) => s + l.count, 0)).toBe(unetPlan(getPreset(name)).convs.length);
    }
  });

  it('gives the down-sampling convolutions stride 2 on twice the edge', () => {
    const layers = presetConvLayers('standard', 64);
    const down = layers.filter((l) => l.conv.stride === 2);
    expect(down.map((l) => [l.conv.inShape[0], l.conv.inC, l.conv.outC])).toEqual([[64, 16, 32], [32, 32, 64], [16, 64, 128]]);
    expect(layers[0]?.conv).toMatchObject({ inShape: [64, 64, 64], inC: 4, outC: 16, stride: 1, pad: 'same' });
  });
});
