/**
 * GPU memory a training step needs, per preset: the largest cubic patch that trains
 * within 4 GB and 8 GB of GPU memory.
 *
 * Measured with tfjs's own tensor accounting (`tf.profile(...).peakBytes`: the peak of
 * live tensor bytes, weights included, while the loss and all gradients of one step are
 * computed), which is backend-independent: the tensors a step holds are the same on every
 * backend. It is measured at two small patches on the cpu backend and extrapolated
 * linearly in the voxel count (activations grow with it; weights do not); Adam adds its
 * two moment tensors and about one weight-sized temporary per update. A real WebGPU
 * device adds its buffer pool's overhead (buffers are pooled by exact size and never
 * freed) on top, so these are lower bounds on what a GPU must have free.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchRow } from './benchRow.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { UNet3D } from '../src/core/model/unet3d.ts';
import { unetPlan } from '../src/core/model/unetSpec.ts';
import { shapeSize } from '../src/core/types/weights.ts';
import { segmentationLoss } from '../src/core/train/segmentationLoss.ts';
import { initTfNode } from '../src/node/tfNode.ts';

export interface GpuMemoryBenchOptions {
  readonly presets?: readonly string[];
  /** budgets in GiB (default 4 and 8) */
  readonly budgetsGiB?: readonly number[];
  readonly log?: (line: string) => void;
}

/**
 * Peak live tensor bytes (absolute: everything alive in the engine, weights included)
 * while computing one step's loss and gradients of `presetName` at a cubic `patch`.
 */
export async function gradientPeakBytes(presetName: string, patch: number): Promise<number> {
  const preset = { ...getPreset(presetName), patchSize: patch };
  const model = UNet3D.create(preset, 1);
  const x = tf.zeros([1, patch, patch, patch, 4]) as tf.Tensor5D;
  const y = tf.zeros([patch ** 3, 3]) as tf.Tensor2D;
  try {
    const info = await tf.profile(async () => {
      const { value, grads } = tf.variableGrads(() => segmentationLoss(model.apply(x, true), y), model.trainableVariables());
      await value.data();
      value.dispose();
      tf.dispose(grads);
    });
    return info.peakBytes;
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

export async function benchGpuMemory(opts: GpuMemoryBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const presets = opts.presets ?? ['tiny', 'standard', 'fets'];
  const budgets = opts.budgetsGiB ?? [4, 8];
  await initTfNode(['cpu'], { fastKernels: true });
  const rows: BenchRow[] = [];
  for (const name of presets) {
    const multiple = 2 ** (getPreset(name).levels - 1);
    const p1 = 2 * multiple;
    const p2 = 4 * multiple;
    const b1 = await gradientPeakBytes(name, p1);
    const b2 = await gradientPeakBytes(name, p2);
    const perVoxel = (b2 - b1) / (p2 ** 3 - p1 ** 3);
    const weightBytes = 4 * unetPlan(getPreset(name)).params.reduce((n, q) => n + shapeSize(q.shape), 0);
    // Adam: two moments kept across steps, about one weight-sized temporary per update
    const fixed = b1 - perVoxel * p1 ** 3 + 3 * weightBytes;
    log(`gpu memory: ${name}: gradients peak ${(b1 / 2 ** 20).toFixed(1)} MiB at ${p1}^3, ${(b2 / 2 ** 20).toFixed(1)} MiB at ${p2}^3 -> ${(perVoxel / 1024).toFixed(2)} KiB per voxel; weights ${(weightBytes / 2 ** 20).toFixed(1)} MiB`);
    const own = getPreset(name).patchSize;
    rows.push({
      suite: 'gpu-memory', name: `${name} step at its own ${own}^3 patch`, variant: 'tfjs tensor peak', value: (fixed + perVoxel * own ** 3) / 2 ** 30, unit: 'GiB',
      note: `extrapolated from ${p1}^3 and ${p2}^3 (peak live tensor bytes of loss + gradients, batch 1, plus Adam's state)`,
    });
    for (const gib of budgets) {
      const voxels = (gib * 2 ** 30 - fixed) / perVoxel;
      const edge = Math.floor(Math.cbrt(Math.max(0, voxels)) / multiple) * multiple;
      rows.push({
        suite: 'gpu-memory', name: `${name} largest cubic patch within ${gib} GiB`, variant: 'tfjs tensor peak', value: edge, unit: 'voxels per edge',
        note: `patch edges are multiples of ${multiple}; a lower bound on the GPU memory needed (WebGPU's buffer pool adds to it)`,
      });
    }
  }
  return rows;
}
