/**
 * Soft Dice + binary cross-entropy over the three BraTS regions (ET, TC, WT), computed on
 * a 2D view [voxels, 3] (WebGPU lacks rank-5 `where`, and rank-2 reductions are fastest).
 */
import * as tf from '@tensorflow/tfjs-core';
import { OUTPUT_CHANNELS } from '../model/modelPresets.ts';

const SMOOTH = 1;

/**
 * logits [..., 3], targets [voxels, 3] in {0, 1} -> scalar loss
 * = mean over regions of (1 - soft Dice) + mean binary cross-entropy.
 * Dice is computed over the whole batch per region (batch Dice, as nnU-Net).
 */
export function segmentationLoss(logits: tf.Tensor, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.reshape(logits, [-1, OUTPUT_CHANNELS]);
    const p = tf.sigmoid(x);
    const intersection = tf.sum(tf.mul(p, targets), 0);
    const denominator = tf.add(tf.sum(p, 0), tf.sum(targets, 0));
    const dice = tf.div(tf.add(tf.mul(intersection, 2), SMOOTH), tf.add(denominator, SMOOTH));
    const diceLoss = tf.sub(1, tf.mean(dice));
    // numerically stable BCE with logits: max(x, 0) - x t + log(1 + exp(-|x|))
    const bce = tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
    return tf.add(diceLoss, bce) as tf.Scalar;
  });
}
