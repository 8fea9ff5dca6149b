/**
 * The federation's first global model, from the plan alone and without tfjs: the
 * preset's parameter list (unetPlan) initialised as its `init` says (He-normal kernels
 * from the plan's seed, ones and zeros for normalisation), the same recipe as
 * UNet3D.create. The coordinator stays free of tfjs; sites download this model by hash.
 */
import type { ModelPreset } from '../core/model/modelPresets.ts';
import { unetPlan } from '../core/model/unetSpec.ts';
import { shapeSize, type WeightSet } from '../core/types/weights.ts';
import { Rng } from '../core/util/rng.ts';

export function initialModel(preset: ModelPreset, seed: number): WeightSet {
  const rng = new Rng(seed);
  return unetPlan(preset).params.map((p) => {
    const values = new Float32Array(shapeSize(p.shape));
    if (p.init === 'ones') values.fill(1);
    else if (p.init === 'he') {
      const std = Math.sqrt(2 / p.fanIn);
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
    }
    return { name: p.name, shape: [...p.shape], values };
  });
}
