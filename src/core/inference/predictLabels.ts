/**
 * Whole-volume segmentation by sliding-window inference: windows of the model's patch
 * size overlapping by `overlap` (default 50%), sigmoid probabilities blended with
 * Gaussian weights, then per region p > 0.5 and the nested BraTS label (ET -> 4,
 * TC -> 1, WT -> 2, else 0). Window tensors have one fixed shape (the WebGPU buffer pool
 * keys by size); results are read with `await data()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingCase } from '../types/case.ts';
import { labelFromRegions } from '../types/labels.ts';
import { voxelCount } from '../types/volume.ts';
import { taskYielder } from '../util/taskYielder.ts';
import { FedsegError } from '../util/errors.ts';
import type { UNet3D } from '../model/unet3d.ts';
import { checkCaseImage } from '../train/caseImage.ts';
import { extractPatch } from '../train/extractPatch.ts';
import { windowStarts, windowWeights } from './slidingWindow.ts';

export interface PredictOptions {
  /** fraction of a window shared with its neighbour, in [0, 0.95]; default 0.5 */
  overlap?: number;
  /** 'gaussian' (default) or 'linear' blending of overlapping windows */
  blending?: 'gaussian' | 'linear';
  onProgress?: (done: number, total: number) => void;
  /** checked before each window: PREDICTION_ABORTED once aborted (an AbortSignal, typed structurally) */
  signal?: { readonly aborted: boolean };
}

/** Region probabilities [voxels, 3] (ET, TC, WT), x fastest, blended over windows. */
export async function predictProbabilities(
  model: UNet3D,
  c: Pick<TrainingCase, 'dims' | 'image' | 'imageBox'>,
  opts: PredictOptions = {},
): Promise<Float32Array> {
  const overlap = opts.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap <= 0.95)) {
    throw new FedsegError('PREDICT_OPTIONS', `overlap: expected a fraction from 0 to 0.95; found ${overlap}`);
  }
  const [nx, ny, nz] = c.dims;
  const n = voxelCount(c.dims);
  checkCaseImage(c, 'PREDICT_INPUT', 'prediction');
  const p = model.preset.patchSize;
  const weights = windowWeights(p, opts.blending ?? 'gaussian');
  const xs = windowStarts(nx, p, overlap);
  const ys = windowStarts(ny, p, overlap);
  const zs = windowStarts(nz, p, overlap);
  const total = xs.length * ys.length * zs.length;
  const probSum = new Float32Array(n * 3);
  const weightSum = new Float32Array(n);
  const patch = new Float32Array(p * p * p * 4);
  let done = 0;
  const letEventsIn = taskYielder();
  for (const z0 of zs)
    for (const y0 of ys)
      for (const x0 of xs) {
        await letEventsIn();
        if (opts.signal?.aborted) throw new FedsegError('PREDICTION_ABORTED', `prediction was stopped after ${done} of ${total} windows`);
        extractPatch(c, { start: [x0, y0, z0], size: p }, patch);
        const prob = tf.tidy(() => tf.sigmoid(model.apply(tf.tensor5d(patch, [1, p, p, p, 4]), false)));
        const values = (await prob.data()) as Float32Array;
        prob.dispose();
        for (let pz = 0, o = 0; pz < p; pz++) {
          const z = z0 + pz;
          for (let py = 0; py < p; py++) {
            const y = y0 + py;
            for (let px = 0; px < p; px++, o++) {
              const x = x0 + px;
              if (x >= nx || y >= ny || z >= nz) continue;
              const v = x + nx * (y + ny * z);
              const w = weights[o] as number;
              weightSum[v] = (weightSum[v] as number) + w;
              probSum[v * 3] = (probSum[v * 3] as number) + w * (values[o * 3] as number);
              probSum[v * 3 + 1] = (probSum[v * 3 + 1] as number) + w * (values[o * 3 + 1] as number);
              probSum[v * 3 + 2] = (probSum[v * 3 + 2] as number) + w * (values[o * 3 + 2] as number);
            }
          }
        }
        opts.onProgress?.(++done, total);
      }
  for (let v = 0; v < n; v++) {
    const w = weightSum[v] as number;
    probSum[v * 3] = (probSum[v * 3] as number) / w;
    probSum[v * 3 + 1] = (probSum[v * 3 + 1] as number) / w;
    probSum[v * 3 + 2] = (probSum[v * 3 + 2] as number) / w;
  }
  return probSum;
}

/** The label volume {0, 1, 2, 4} (x fastest, like the case) predicted by the model. */
export async function predictLabels(
  model: UNet3D,
  c: Pick<TrainingCase, 'dims' | 'image' | 'imageBox'>,
  opts: PredictOptions = {},
): Promise<Uint8Array> {
  const prob = await predictProbabilities(model, c, opts);
  const labels = new Uint8Array(prob.length / 3);
  for (let v = 0; v < labels.length; v++) {
    labels[v] = labelFromRegions((prob[v * 3] as number) > 0.5, (prob[v * 3 + 1] as number) > 0.5, (prob[v * 3 + 2] as number) > 0.5);
  }
  return labels;
}
