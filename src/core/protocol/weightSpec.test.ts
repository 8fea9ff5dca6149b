import { describe, expect, it } from 'vitest';
import { checkWeights, specOf, specSize } from './weightSpec.ts';
import { errorCode } from '../util/errorCode.ts';

const w = [
  { name: 'a', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) },
  { name: 'b', shape: [3], values: Float32Array.of(0, 0, 0) },
];


describe('checkWeights', () => {
  it('accepts weights of the spec and sizes the spec', () => {
    expect(() => checkWeights(w, specOf(w))).not.toThrow();
    expect(specSize(specOf(w))).toBe(7);
  });

  it('names the tensor, the expected and the found shape', () => {
    expect(() => checkWeights(w, [{ name: 'a', shape: [4] }, { name: 'b', shape: [3] }])).toThrow('weights: tensor "a": expected shape [4], found [2,2]');
    expect(errorCode(() => checkWeights([w[0]!], specOf(w), 'MODEL'))).toBe('MODEL_SHAPE');
  });

  it('refuses values that do not fill the shape, and non-finite values', () => {
    expect(errorCode(() => checkWeights([w[0]!, { ...w[1]!, values: Float32Array.of(0, 0) }], specOf(w)))).toBe('UPDATE_SHAPE');
    expect(errorCode(() => checkWeights([w[0]!, { ...w[1]!, values: Float32Array.of(0, Number.NEGATIVE_INFINITY, 0) }], specOf(w)))).toBe('UPDATE_NONFINITE');
  });
});
