import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { FedsegError } from '../util/errors.ts';
import { selectBackend } from './selectBackend.ts';

it('skips unregistered backends and reports the one in use', async () => {
  const r = await selectBackend(tf, ['webgl', 'nonesuch', 'cpu']);
  expect(r.backend).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  expect(r.refused.map((x) => x.name)).toEqual(['webgl', 'nonesuch']);
  expect(r.refused[0]?.reason).toMatch(/not registered/);
});

it('refuses a backend whose initialisation fails, and fails naming all when none starts', async () => {
  tf.registerBackend('broken-test', () => {
    throw new Error('no device');
  });
  const r = await selectBackend(tf, ['broken-test', 'cpu']);
  expect(r.backend).toBe('cpu');
  expect(r.refused[0]?.reason).toMatch(/failed to initialise/);
  const err = await selectBackend(tf, ['broken-test']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FedsegError);
  expect((err as FedsegError).message).toMatch(/broken-test/);
  tf.removeBackend('broken-test');
});
