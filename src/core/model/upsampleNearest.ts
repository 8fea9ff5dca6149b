import * as tf from '@tensorflow/tfjs-core';

/**
 * Nearest-neighbour x2 up-sampling of [b, d, h, w, c] along d, h and w, built from
 * reshape + concat at rank 3 so that it has gradients on every backend (tfjs has no
 * upSampling3d, no conv3dTranspose gradient, and Tile's gradient stops at rank 4).
 */
export function upsampleNearest(x: tf.Tensor5D): tf.Tensor5D {
  const [b, d, h, w, c] = x.shape;
  return tf.tidy(() => {
    let t: tf.Tensor3D = tf.reshape(x, [b * d * h * w, 1, c]);
    t = tf.concat([t, t], 1); // [b d h w, 2, c] = [b, d, h, 2w, c]
    t = tf.reshape(t, [b * d * h, 1, 2 * w * c]);
    t = tf.concat([t, t], 1); // [b d h, 2, 2w c] = [b, d, 2h, 2w, c]
    t = tf.reshape(t, [b * d, 1, 4 * h * w * c]);
    t = tf.concat([t, t], 1); // [b d, 2, 4hw c] = [b, 2d, 2h, 2w, c]
    return tf.reshape(t, [b, 2 * d, 2 * h, 2 * w, c]);
  });
}
