import * as tf from '@tensorflow/tfjs-core';

/**
 * Nearest-neighbour x2 up-sampling of [b, d, h, w, c] along d, h and w.
 *
 * tfjs has no upSampling3d, no conv3dTranspose gradient, and Tile's gradient stops at
 * rank 4, so this is built from 2D concatenations (a row [n, k] doubled to [n, 2k] is
 * the same memory as [n, 2, k]), one per axis, with an explicit gradient: the sum of
 * each 2x2x2 block, done as three sums over the middle axis of rank-3 views. (The
 * automatic gradient of concat, SplitV, was the slowest kernel of a CPU training step.)
 */
const upsample = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  const [b, d, h, w, c] = x.shape as [number, number, number, number, number];
  let t: tf.Tensor2D = tf.reshape(x, [b * d * h * w, c]);
  t = tf.concat([t, t], 1); // = [b, d, h, 2w, c]
  t = tf.reshape(t, [b * d * h, 2 * w * c]);
  t = tf.concat([t, t], 1); // = [b, d, 2h, 2w, c]
  t = tf.reshape(t, [b * d, 4 * h * w * c]);
  t = tf.concat([t, t], 1); // = [b, 2d, 2h, 2w, c]
  const value = tf.reshape(t, [b, 2 * d, 2 * h, 2 * w, c]);
  const gradFunc = (dy: tf.Tensor): tf.Tensor => {
    let g: tf.Tensor2D = tf.sum(tf.reshape(dy, [b * d, 2, 4 * h * w * c]), 1);
    g = tf.sum(tf.reshape(g, [b * d * h, 2, 2 * w * c]), 1);
    g = tf.sum(tf.reshape(g, [b * d * h * w, 2, c]), 1);
    return tf.reshape(g, [b, d, h, w, c]);
  };
  return { value, gradFunc };
});

export function upsampleNearest(x: tf.Tensor5D): tf.Tensor5D {
  return upsample(x) as tf.Tensor5D;
}
