import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { codecFor, codecForSite } from './updateCodec.ts';

const update: WeightSet = [{ name: 'w', shape: [4096], values: Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 0.01) }];
const seeded = { name: 'int8', options: { rounding: 'stochastic', seed: 7 } };
const bytesOf = (c: ReturnType<typeof codecFor>) => Array.from(c.encodeWithState(update, null).bytes);

describe('codecForSite', () => {
  it('gives sites of one plan with a seeded stochastic codec independent rounding, each reproducible', () => {
    // the plan's seed alone: every site would round the same update the same way
    expect(bytesOf(codecFor(seeded))).toEqual(bytesOf(codecFor(seeded)));
    const a = bytesOf(codecForSite(seeded, 'site-a'));
    expect(bytesOf(codecForSite(seeded, 'site-a'))).toEqual(a);
    expect(bytesOf(codecForSite(seeded, 'site-b'))).not.toEqual(a);
  });

  it('leaves codecs without a seed as the plan names them', () => {
    const plain = { name: 'int8', options: {} };
    expect(bytesOf(codecForSite(plain, 'site-a'))).toEqual(bytesOf(codecFor(plain)));
    expect(codecForSite({ name: 'float32' }, 'x').name).toBe('float32');
    expect(() => codecForSite({ name: 'int3' }, 'x')).toThrow(/int3/);
  });
});
