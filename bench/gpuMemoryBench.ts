/**
 * GPU memory a training step needs, per preset: the largest cubic patch that trains
 * within 4 GB and 8 GB of GPU memory.
 *
 * Measured with tfjs's own tensor accounting (`tf.profile(...).peakBytes`: the peak of
 * live tensor bytes during one full step: forward, loss, backward, Adam update), which is
 * backend-independent: the tensors a step holds are the same on every backend. The step
 * is measured at two small patches on the cpu backend and the peak extrapolated linearly
 * in the voxel count (activations grow with it; weights and Adam state do not). A real
 * WebGPU device adds its buffer pool's overhead (buffers are pooled by exact size and
 * never freed) on top, so these are lower bounds on what a GPU must have free.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchRow } from './benchRow.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { UNet3D } from '../src/core/model/unet3d.ts';
import { segmentationLoss } from '../src/core/train/segmentationLoss.ts';
import { initTfNode } from '../src/node/tfNode.ts';

export interface GpuMemoryBenchOptions {
  readonly presets?: readonly string[];
  /** budgets in GiB (default 4 and 8) */
  readonly budgetsGiB?: readonly number[];
  readonly log?: (line: string) => void;
}

/** Peak live tensor bytes of one training step of `presetName` at a cubic `patch`. */
export async function stepPeakBytes(presetName: string, patch: number): Promise<number> {
  const preset = { ...getPreset(presetName), patchSize: patch };
  const model = UNet3D.create(preset, 1);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.zeros([1, patch, patch, patch, 4]) as tf.Tensor5D;
  const y = tf.zeros([patch ** 3, 3]) as tf.Tensor2D;
  try {
    // one warm-up step creates Adam's moments, so the profiled step holds them as a real one does
    const step = () => tf.tidy(() => optimizer.minimize(() => segmentationLoss(model.apply(x, true), y), true, model.trainableVariables()) as tf.Scalar);
    const warm = step();
    await warm.data();
    warm.dispose();
    const before = tf.memory().numBytes;
    const info = await tf.profile(async () => {
      const loss = step();
      await loss.data();
      loss.dispose();
    });
    // peakBytes counts from the start of the profile: add what was already alive
    return before + info.peakBytes;
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
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
    const p2 = 3 * multiple;
    const b1 = await stepPeakBytes(name, p1);
    const b2 = await stepPeakBytes(name, p2);
    const perVoxel = (b2 - b1) / (p2 ** 3 - p1 ** 3);
    const fixed = b1 - perVoxel * p1 ** 3;
    log(`gpu memory: ${name}: ${(b1 / 2 ** 20).toFixed(1)} MiB at ${p1}^3, ${(b2 / 2 ** 20).toFixed(1)} MiB at ${p2}^3 -> ${(perVoxel / 1024).toFixed(2)} KiB per voxel`);
    const own = getPreset(name).patchSize;
    rows.push({
      suite: 'gpu-memory', name: `${name} step at its own ${own}^3 patch`, variant: 'tfjs tensor peak', value: (fixed + perVoxel * own ** 3) / 2 ** 30, unit: 'GiB',
      note: `extrapolated from ${p1}^3 and ${p2}^3 (peak live tensor bytes of one Adam step, batch 1)`,
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
