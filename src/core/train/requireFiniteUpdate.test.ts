import { describe, expect, it } from 'vitest';
import { requireFiniteUpdate } from './requireFiniteUpdate.ts';

const tensor = (name: string, values: number[]) => ({ name, shape: [values.length], values: new Float32Array(values) });

describe('requireFiniteUpdate', () => {
  it('passes a finite update through', () => {
    const delta = [tensor('a', [0, -1e30, 3]), tensor('b', [1])];
    expect(requireFiniteUpdate(delta, 5, 0.01)).toBe(delta);
  });

  it('refuses the first non-finite value, naming tensor, value and index', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const delta = [tensor('enc1/kernel', [0, 1]), tensor('enc2/bias', [2, bad, 4])];
      expect(() => requireFiniteUpdate(delta, 40, 0.3)).toThrow(expect.objectContaining({
        code: 'TRAINING_DIVERGED',
        message: `the update of tensor "enc2/bias" is ${bad} at index 1 after 40 steps; lower the learning rate (0.3)`,
      }));
    }
  });
});
