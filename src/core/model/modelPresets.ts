/**
 * The 3D U-Net family, as data: a preset fixes the architecture and the training patch.
 * Every preset takes 4 input channels (t1, t1ce, t2, flair) and gives 3 sigmoid
 * outputs (ET, TC, WT).
 */
import { lookup } from '../util/errors.ts';

export interface ModelPreset {
  readonly name: string;
  /** filters of the first level; each deeper level doubles them */
  readonly baseFilters: number;
  /** resolution levels, including the full-resolution one (levels - 1 down-samplings) */
  readonly levels: number;
  /** residual blocks (as the FeTS ResUNet) instead of plain double convolutions */
  readonly residual: boolean;
  /** edge of the cubic training patch and the inference window, in voxels */
  readonly patchSize: number;
  /**
   * 'instance': statistics per sample and channel (nnU-Net, FeTS);
   * 'batch': statistics over the whole batch and channel, in training and inference alike
   * (no running averages, so that the weights stay a pure trainable list).
   */
  readonly norm: 'instance' | 'batch';
}

export const MODEL_PRESETS: Readonly<Record<string, ModelPreset>> = {
  /** for tests, CI and the demo: ~14k weights */
  tiny: { name: 'tiny', baseFilters: 4, levels: 3, residual: false, patchSize: 16, norm: 'instance' },
  /** a usable model for a site with a GPU */
  standard: { name: 'standard', baseFilters: 16, levels: 4, residual: false, patchSize: 64, norm: 'instance' },
  /** the FeTS 2022 federation's residual U-Net: base 32 filters, 64^3 patches */
  fets: { name: 'fets', baseFilters: 32, levels: 4, residual: true, patchSize: 64, norm: 'instance' },
};

/** The preset of that name; an unknown name fails with UNKNOWN_MODEL_PRESET listing the known ones. */
export function getPreset(name: string): ModelPreset {
  return lookup(MODEL_PRESETS, name, 'model preset');
}

/** Input channels (t1, t1ce, t2, flair) and output regions (ET, TC, WT) of every preset. */
export const INPUT_CHANNELS = 4;
export const OUTPUT_CHANNELS = 3;
