/**
 * The local trainer: N optimisation steps on patches of a site's cases, platform-free.
 * Every step runs inside tf.tidy; the loss is read with `await data()` only (never a
 * synchronous read: on WebGPU those return zeros), which also yields to the event loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CaseList } from './caseSet.ts';
import { taskYielder } from '../util/taskYielder.ts';
import { monotonicNow } from '../util/monotonicNow.ts';
import { FedsegError } from '../util/errors.ts';
import type { UNet3D } from '../model/unet3d.ts';
import { ensureGradients } from '../model/ensureGradients.ts';
import { PatchSampler } from './patchSampler.ts';
import { segmentationLoss } from './segmentationLoss.ts';

export interface TrainOptions {
  steps: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  seed: number;
  /** fraction of patches centred on tumour; default 1/3 */
  foregroundFraction?: number;
  /** FedProx: adds mu/2 ||w - w_global||^2, w_global = the weights at the start */
  proximalMu?: number;
  /** aborting stops before the next step and throws FedsegError 'TRAINING_ABORTED' */
  signal?: { readonly aborted: boolean }; // an AbortSignal (typed structurally: src/core has no DOM lib)
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  voxelsPerSecond: number;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainSummary {
  steps: number;
  meanLoss: number;
  lastLoss: number;
  /** patches seen (steps x batch size) */
  samples: number;
}

function checkOptions(opts: TrainOptions): void {
  const bad = (what: string, found: unknown): never => {
    throw new FedsegError('TRAIN_OPTIONS', `expected ${what}; found ${String(found)}`);
  };
  if (!Number.isInteger(opts.steps) || opts.steps < 1) bad('steps a positive integer', opts.steps);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) bad('batchSize a positive integer', opts.batchSize);
  if (opts.optimizer !== 'adam' && opts.optimizer !== 'sgd') bad("optimizer 'adam' or 'sgd'", opts.optimizer);
  if (!(opts.learningRate > 0)) bad('learningRate > 0', opts.learningRate);
  if (opts.proximalMu !== undefined && !(opts.proximalMu >= 0)) bad('proximalMu >= 0', opts.proximalMu);
}

export async function* trainLocal(
  model: UNet3D,
  cases: CaseList,
  opts: TrainOptions,
): AsyncGenerator<TrainProgress, TrainSummary> {
  checkOptions(opts);
  await ensureGradients();
  const p = model.preset.patchSize;
  const sampler = new PatchSampler(cases, {
    patchSize: p,
    seed: opts.seed,
    ...(opts.foregroundFraction !== undefined ? { foregroundFraction: opts.foregroundFraction } : {}),
  });
  const vars = model.trainableVariables();
  const mu = opts.proximalMu ?? 0;
  const globals = mu > 0 ? vars.map((v) => tf.clone(v)) : [];
  const optimizer = opts.optimizer === 'adam' ? tf.train.adam(opts.learningRate) : tf.train.sgd(opts.learningRate);
  const voxelsPerStep = opts.batchSize * p * p * p;
  const started = monotonicNow();
  let lossSum = 0;
  let lastLoss = NaN;
  // a Stop or Ctrl-C is let in between steps
  const letEventsIn = taskYielder();
  try {
    for (let step = 1; step <= opts.steps; step++) {
      await letEventsIn();
      if (opts.signal?.aborted) {
        throw new FedsegError('TRAINING_ABORTED', `training was stopped before step ${step} of ${opts.steps}`);
      }
      const stepStart = monotonicNow();
      const batch = await sampler.next(opts.batchSize);
      const loss = tf.tidy(() => {
        const x = tf.tensor5d(batch.image, [opts.batchSize, p, p, p, 4]);
        const y = tf.tensor2d(batch.targets, [voxelsPerStep, 3]);
        return optimizer.minimize(
          () => {
            let l = segmentationLoss(model.apply(x, true), y);
            if (mu > 0) {
              const terms = vars.map((v, i) => tf.sum(tf.square(tf.sub(v, globals[i] as tf.Tensor))));
              l = tf.add(l, tf.mul(mu / 2, tf.addN(terms)));
            }
            return l;
          },
          true,
          vars,
        ) as tf.Scalar;
      });
      const value = (await loss.data())[0] as number;
      loss.dispose();
      if (!Number.isFinite(value)) {
        throw new FedsegError('TRAINING_DIVERGED', `loss became ${value} at step ${step}; lower the learning rate (${opts.learningRate})`);
      }
      lossSum += value;
      lastLoss = value;
      const t = monotonicNow();
      const elapsedMs = t - started;
      yield {
        step,
        steps: opts.steps,
        loss: value,
        voxelsPerSecond: voxelsPerStep / Math.max(1e-3, (t - stepStart) / 1000),
        elapsedMs,
        etaMs: (elapsedMs / step) * (opts.steps - step),
      };
    }
  } finally {
    optimizer.dispose();
    for (const g of globals) g.dispose();
  }
  return { steps: opts.steps, meanLoss: lossSum / opts.steps, lastLoss, samples: opts.steps * opts.batchSize };
}
