import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, expect, it } from 'vitest';
import { segmentationLoss } from './segmentationLoss.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('is near 0 for confident correct logits, large for wrong ones, and equals Dice + BCE by hand', async () => {
  const t = tf.tensor2d([1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0], [4, 3]);
  const good = tf.mul(tf.sub(tf.mul(t, 2), 1), 20);
  const lossGood = (await segmentationLoss(tf.reshape(good, [1, 1, 2, 2, 3]), t as tf.Tensor2D).data())[0]!;
  const lossBad = (await segmentationLoss(tf.neg(good), t as tf.Tensor2D).data())[0]!;
  expect(lossGood).toBeLessThan(0.01);
  expect(lossBad).toBeGreaterThan(10);
  // logits 0 -> p = 0.5 everywhere: BCE = ln 2; Dice per region = (2*0.5*n1 + 1) / (0.5*4 + n1 + 1)
  const n1 = [2, 1, 3];
  const dice = n1.map((n) => (n + 1) / (2 + n + 1));
  const expected = 1 - dice.reduce((a, b) => a + b) / 3 + Math.log(2);
  const lossZero = (await segmentationLoss(tf.zeros([4, 3]), t as tf.Tensor2D).data())[0]!;
  expect(lossZero).toBeCloseTo(expected, 5);
});
