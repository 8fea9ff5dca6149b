import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { specOf } from './weightSpec.ts';
import { decodeWeightsBlob, encodeWeightsBlob } from './weightsBlob.ts';
import { errorCode } from '../util/errorCode.ts';

const weights: WeightSet = [
  { name: 'conv1/kernel', shape: [3, 3, 3, 4, 2], values: Float32Array.from({ length: 216 }, (_, i) => Math.sin(i)) },
  { name: 'conv1/bias', shape: [2], values: Float32Array.of(0.5, -0.25) },
  { name: 'scalar', shape: [], values: Float32Array.of(7) },
];
describe('weightsBlob', () => {
  it('round-trips names, shapes and values exactly', () => {
    const bytes = encodeWeightsBlob(weights);
    const back = decodeWeightsBlob(bytes, { expected: specOf(weights) });
    expect(back.map((t) => [t.name, t.shape])).toEqual(weights.map((t) => [t.name, t.shape]));
    for (let i = 0; i < weights.length; i++) expect(Array.from(back[i]!.values)).toEqual(Array.from(weights[i]!.values));
  });

  it('decodes from an unaligned view', () => {
    const bytes = encodeWeightsBlob(weights);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeWeightsBlob(shifted.subarray(1), { expected: null })[1]!.values[1]).toBe(-0.25);
  });

  it('refuses a wrong shape, a wrong name, a missing tensor', () => {
    const bytes = encodeWeightsBlob(weights);
    const spec = specOf(weights);
    expect(errorCode(() => decodeWeightsBlob(bytes, { expected: [spec[0]!, { name: 'conv1/bias', shape: [3] }, spec[2]!] }))).toBe('UPDATE_SHAPE');
    expect(errorCode(() => decodeWeightsBlob(bytes, { expected: [spec[0]!, { name: 'other', shape: [2] }, spec[2]!] }))).toBe('UPDATE_SHAPE');
    expect(errorCode(() => decodeWeightsBlob(bytes, { expected: spec.slice(0, 2), kind: 'MODEL' }))).toBe('MODEL_SHAPE');
  });

  it('refuses NaN and infinities, naming the tensor', () => {
    const bad = weights.map((t) => ({ ...t, values: t.values.slice() }));
    bad[1]!.values[0] = Number.NaN;
    expect(() => decodeWeightsBlob(encodeWeightsBlob(bad), { expected: null })).toThrow(/conv1\/bias.*NaN/);
    bad[1]!.values[0] = Number.POSITIVE_INFINITY;
    expect(errorCode(() => decodeWeightsBlob(encodeWeightsBlob(bad), { expected: null }))).toBe('UPDATE_NONFINITE');
  });

  it('refuses oversized, truncated and foreign bytes', () => {
    const bytes = encodeWeightsBlob(weights);
    expect(errorCode(() => decodeWeightsBlob(bytes, { expected: null, maxBytes: bytes.length - 1 }))).toBe('UPDATE_TOO_LARGE');
    expect(errorCode(() => decodeWeightsBlob(bytes.subarray(0, bytes.length - 4), { expected: null }))).toBe('UPDATE_SHAPE');
    expect(errorCode(() => decodeWeightsBlob(bytes.subarray(0, 8), { expected: null }))).toBe('UPDATE_MALFORMED');
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(errorCode(() => decodeWeightsBlob(foreign, { expected: null }))).toBe('UPDATE_MALFORMED');
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 0xfffffff0, true);
    expect(errorCode(() => decodeWeightsBlob(hugeHeader, { expected: null }))).toBe('UPDATE_TOO_LARGE');
  });
});
