import { describe, expect, it } from 'vitest';
import { float32ToHalves, fromHalf, halfValues, halvesToFloat32, toHalf } from './halfFloat.ts';

describe('halfFloat arrays', () => {
  it('looks up every half as fromHalf computes it', () => {
    const table = halfValues();
    let differing = 0;
    for (let h = 0; h < 65536; h++) if (!Object.is(table[h], Math.fround(fromHalf(h)))) differing++;
    // NaN halves read as NaN (Object.is(NaN, NaN)); -0 as -0
    expect(differing).toBe(0);
    expect(halfValues()).toBe(table);
  });

  it('round-trips values within half precision, z-scores up to 65504 staying finite', () => {
    const values = Float32Array.from([0, -0, 1, -1.5, 3.14159, 1e-3, -7.25, 4096.5, 65504, 1e-8]);
    const back = halvesToFloat32(float32ToHalves(values));
    values.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -24)));
    expect(back[7]).toBe(4096); // ties go to even
    expect(float32ToHalves([70000])[0]).toBe(toHalf(Infinity));
  });
});
