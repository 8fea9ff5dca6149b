/** One suite run against every codec in CODECS (and each rounding / option variant). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { Rng } from '../util/rng.ts';
import { FedsegError } from '../util/errors.ts';
import { specOf } from '../protocol/weightSpec.ts';
import type { UpdateCodec } from './codecTypes.ts';
import { CODECS, codecFor, expectedPayloadBytes } from './updateCodec.ts';

const VARIANTS: [string, () => UpdateCodec][] = [
  ['float32', () => CODECS.float32!()],
  ['float16', () => CODECS.float16!()],
  ['int8 nearest', () => CODECS.int8!()],
  ['int8 stochastic', () => CODECS.int8!({ rounding: 'stochastic', seed: 3 })],
  ['int4 (error feedback)', () => CODECS.int4!()],
  ['int4 mse scale', () => CODECS.int4!({ scale: 'mse' })],
  ['int8 mse scale, stochastic', () => CODECS.int8!({ scale: 'mse', rounding: 'stochastic', seed: 4 })],
  ['int4 stochastic, no feedback', () => CODECS.int4!({ rounding: 'stochastic', seed: 5, errorFeedback: false })],
  ['topk 1%', () => CODECS.topk!()],
  ['topk 10% no feedback', () => CODECS.topk!({ fraction: 0.1, errorFeedback: false })],
];

function update(seed: number, scales = [0.01, 0.001, 1e-6]): WeightSet {
  const rng = new Rng(seed);
  const shapes = [[3, 3, 3, 4, 8], [8], [2, 5]];
  return shapes.map((shape, i) => ({
    name: `t${i}`,
    shape,
    values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scales[i]!),
  }));
}

function relativeError(a: WeightSet, b: WeightSet, metric: 'maxabs' | 'l2'): number {
  let num = 0;
  let den = 0;
  a.forEach((t, i) => {
    t.values.forEach((x, k) => {
      const d = x - b[i]!.values[k]!;
      if (metric === 'l2') {
        num += d * d;
        den += x * x;
      } else {
        num = Math.max(num, Math.abs(d));
        den = Math.max(den, Math.abs(x));
      }
    });
  });
  if (den === 0) return num === 0 ? 0 : Number.POSITIVE_INFINITY;
  return metric === 'l2' ? Math.sqrt(num / den) : num / den;
}

const sizes: string[] = [];

describe.each(VARIANTS)('codec %s', (label, make) => {
  it('round-trips within its stated maxRelativeError', () => {
    const codec = make();
    const u = update(1);
    const bytes = codec.encode(u);
    const back = codec.decode(bytes, specOf(u));
    expect(back.map((t) => [t.name, t.shape])).toEqual(u.map((t) => [t.name, t.shape]));
    expect(relativeError(u, back, codec.errorMetric)).toBeLessThanOrEqual(codec.maxRelativeError + 1e-7);
    const f32 = 4 * u.reduce((n, t) => n + t.values.length, 0);
    sizes.push(`${label}: ${bytes.length} bytes = ${(bytes.length / f32).toFixed(3)} of float32`);
  });

  // the bounds hold for tensors whose max |x| is at least 2^-100 (far above float32 subnormals)
  it('holds its bound on arbitrary updates (property)', () => {
    const codec = make();
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e4, max: 1e4 }).map((x) => (Math.abs(x) < 1e-20 ? 0 : x)), { minLength: 1, maxLength: 300 }), (xs) => {
        const u: WeightSet = [{ name: 'w', shape: [xs.length], values: Float32Array.from(xs) }];
        const back = codec.decode(codec.encode(u), specOf(u));
        return relativeError(u, back, codec.errorMetric) <= codec.maxRelativeError + 1e-6;
      }),
      { numRuns: 60 },
    );
  });

  it('states its payload size (exact unless deflated)', () => {
    const codec = make();
    const u = update(2);
    const bytes = codec.encode(u);
    const expected = expectedPayloadBytes(codec, specOf(u));
    if (codec.deflated) expect(bytes.length).toBeLessThanOrEqual(expected + 64);
    else expect(bytes.length).toBe(expected);
  });

  it('refuses a payload for another model, and garbage', () => {
    const codec = make();
    const u = update(3);
    const bytes = codec.encode(u);
    const other = [...specOf(u).slice(0, 2), { name: 't2', shape: [2, 6] }];
    expect(() => codec.decode(bytes, other)).toThrow(FedsegError);
    expect(() => codec.decode(new Uint8Array([1, 2, 3]), specOf(u))).toThrow(FedsegError);
    expect(() => codec.decode(bytes.subarray(0, bytes.length - 1), specOf(u))).toThrow(FedsegError);
  });

  it('refuses non-finite input on encode', () => {
    const u = update(4);
    u[1]!.values[0] = Number.NaN;
    expect(() => make().encode(u)).toThrow(/t1/);
  });
});

describe('codec registry', () => {
  it('names unknown codecs and bad options', () => {
    expect(() => codecFor({ name: 'gzip' })).toThrow(/unknown update codec "gzip"; known: float32, float16, int8, int4, topk/);
    expect(() => codecFor({ name: 'topk', options: { fraction: 2 } })).toThrow(/topk codec options: fraction/);
    expect(() => codecFor({ name: 'int8', options: { rounding: 'up' } })).toThrow(/CODEC|rounding/);
  });

  it('reports size ratios (int8 <= 0.26, int4 and topk 1% <= 1/8 of float32)', () => {
    const u = update(5, [0.01, 0.01, 0.01]);
    const f32 = CODECS.float32!().encode(u).length;
    const r = (c: UpdateCodec) => c.encode(u).length / f32;
    expect(r(CODECS.float16!())).toBeLessThan(0.51);
    expect(r(CODECS.int8!())).toBeLessThan(0.26);
    expect(r(CODECS.int4!())).toBeLessThan(1 / 8);
    expect(r(CODECS.topk!())).toBeLessThan(1 / 8);
    console.log('codec sizes (synthetic Gaussian update):\n  ' + sizes.join('\n  '));
  });
});
