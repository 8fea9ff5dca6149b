/**
 * tfjs-core registers its gradient functions in a side-effect module that the tfjs union
 * package imports and a tfjs-core-only program must load itself. Bundlers (Vite, Vitest)
 * load that ES module directly; Node cannot (its relative imports have no extensions), so
 * the Node adapter (src/node/tfNode.ts) registers them from the union package's Node
 * bundle before anything trains.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FedsegError } from '../util/errors.ts';

export async function ensureGradients(): Promise<void> {
  if (tf.getGradient('Conv3D')) return;
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  } catch (err) {
    throw new FedsegError(
      'NO_GRADIENTS',
      `tfjs gradients are not registered and could not be loaded (${String(err).slice(0, 120)}); ` +
        'in Node start tfjs with initTfNode() from src/node/tfNode.ts',
    );
  }
  if (!tf.getGradient('Conv3D')) {
    throw new FedsegError('NO_GRADIENTS', 'tfjs gradients are still missing after loading register_all_gradients (two copies of tfjs-core?)');
  }
}
