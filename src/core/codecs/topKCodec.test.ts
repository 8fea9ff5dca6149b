import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { specOf } from '../protocol/weightSpec.ts';
import { kthLargest, topKCodec, topKIndices } from './topKCodec.ts';

describe('topk', () => {
  it('selects the k largest magnitudes, ties in index order', () => {
    const v = Float32Array.of(0.1, -5, 3, 0, 3, -0.2, 7);
    expect(Array.from(topKIndices(v, 3))).toEqual([1, 2, 6]);
    expect(Array.from(topKIndices(Float32Array.of(1, 1, 1, 1), 2))).toEqual([0, 1]);
    expect(kthLargest(Float32Array.of(5, 1, 4, 2, 3), 2)).toBe(4);
  });

  it('error feedback: what is not sent is carried to the next round, nothing is lost', () => {
    const codec = topKCodec({ fraction: 0.25 });
    const u: WeightSet = [{ name: 'w', shape: [8], values: Float32Array.of(8, 1, 2, 3, 4, 5, 6, 7) }];
    const spec = specOf(u);
    const r1 = codec.encodeWithState(u, null);
    const sent1 = codec.decode(r1.bytes, spec)[0]!.values;
    expect(Array.from(sent1)).toEqual([8, 0, 0, 0, 0, 0, 0, 7]);
    expect(Array.from(r1.state!.residual[0]!.values)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    const zero: WeightSet = [{ name: 'w', shape: [8], values: new Float32Array(8) }];
    let state = r1.state;
    const total = Float32Array.from(sent1);
    for (let round = 0; round < 3; round++) {
      const r = codec.encodeWithState(zero, state);
      const sent = codec.decode(r.bytes, spec)[0]!.values;
      sent.forEach((x, i) => (total[i]! += x));
      state = r.state;
    }
    expect(Array.from(total)).toEqual(Array.from(u[0]!.values));
  });

  it('refuses a residual of another model', () => {
    const codec = topKCodec();
    const u: WeightSet = [{ name: 'w', shape: [4], values: new Float32Array(4) }];
    const bad = { residual: [{ name: 'w', shape: [5], values: new Float32Array(5) }] };
    expect(() => codec.encodeWithState(u, bad)).toThrow(/residual/);
  });

  it('refuses out-of-range and repeated indices', () => {
    const codec = topKCodec({ fraction: 0.5 });
    const spec = [{ name: 'w', shape: [4] }];
    const good = codec.encode([{ name: 'w', shape: [4], values: Float32Array.of(1, 2, 3, 4) }]);
    expect(codec.decode(good, spec)[0]!.values[3]).toBe(4);
  });
});
