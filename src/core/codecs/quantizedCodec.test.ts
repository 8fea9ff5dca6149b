import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { specOf } from '../protocol/weightSpec.ts';
import { Rng } from '../util/rng.ts';
import { deflateFast } from './payloadBytes.ts';
import { quantizedCodec } from './quantizedCodec.ts';

const one = (values: number[]): WeightSet => [{ name: 'w', shape: [values.length], values: Float32Array.from(values) }];

describe('int4', () => {
  it('packs two values per byte, signs included, odd lengths too', () => {
    const codec = quantizedCodec(4, { errorFeedback: false });
    const u = one([7, -7, 1, -1, 0, 3, -4]); // scale 1: every value exact
    const back = codec.decode(codec.encode(u), specOf(u))[0]!.values;
    expect(Array.from(back)).toEqual([7, -7, 1, -1, 0, 3, -4]);
    expect(codec.expectedPayloadBytes(specOf(u))).toBe(4 + 4);
  });

  it('rounds to 15 levels per tensor: error at most 1/14 of the largest value', () => {
    const codec = quantizedCodec(4, { errorFeedback: false });
    const u = one([1.4, 0.05, -0.33, 0.74]); // s = 0.2
    const back = codec.decode(codec.encode(u), specOf(u))[0]!.values;
    expect(Array.from(back).map((x) => +x.toFixed(6))).toEqual([1.4, 0, -0.4, 0.8]);
    expect(codec.maxRelativeError).toBe(1 / 14 + 2 ** -23);
  });

  it('scales each tensor by its own largest value: a tensor of tiny values keeps them', () => {
    for (const bits of [4, 8] as const) {
      const codec = quantizedCodec(bits, { errorFeedback: false });
      const u: WeightSet = [
        { name: 'big', shape: [3], values: Float32Array.of(1, -0.5, 0.25) },
        { name: 'tiny', shape: [3], values: Float32Array.of(1e-6, -5e-7, 2.5e-7) },
      ];
      const back = codec.decode(codec.encode(u), specOf(u));
      // each tensor within its own bound, 1/(2 levels) of its own largest value (one scale for both would send the tiny one as zeros)
      const levels = bits === 4 ? 7 : 127;
      u.forEach((t, i) => {
        const m = Math.max(...t.values.map(Math.abs));
        t.values.forEach((x, k) => expect(Math.abs(back[i]!.values[k]! - x)).toBeLessThanOrEqual(m / (2 * levels) + m * 2 ** -23));
      });
      expect(back[1]!.values[0]).toBeCloseTo(1e-6, 12);
    }
  });

  it('error feedback: what rounding lost is sent later, so the sum of what arrives converges to the sum sent', () => {
    const codec = quantizedCodec(4); // error feedback is int4's default
    expect(codec.options.errorFeedback).toBe(true);
    const u = one([1, 0.06, -0.03, 0.011]); // the small values round to 0 at scale 1/7
    const spec = specOf(u);
    let state = null;
    const arrived = new Float64Array(4);
    const rounds = 40;
    for (let r = 0; r < rounds; r++) {
      const out = codec.encodeWithState(u, state);
      codec.decode(out.bytes, spec)[0]!.values.forEach((x, i) => (arrived[i]! += x));
      state = out.state;
    }
    // without feedback the small coordinates would never arrive; with it the mean per round is right
    const residual = state!.residual[0]!.values;
    u[0]!.values.forEach((x, i) => {
      expect(arrived[i]! + residual[i]!).toBeCloseTo(rounds * x, 4); // nothing lost: sent + kept = total
      expect(arrived[i]! / rounds).toBeCloseTo(x, 2);
    });
    const plain = quantizedCodec(4, { errorFeedback: false });
    expect(plain.decode(plain.encode(u), spec)[0]!.values[3]).toBe(0);
  });

  it('int8 keeps its wire format and no feedback by default', () => {
    const codec = quantizedCodec(8);
    expect(codec.options.errorFeedback).toBe(false);
    const u = one([1, -0.5, 0.25]);
    expect(codec.encodeWithState(u, null).state).toBeNull();
    expect(codec.expectedPayloadBytes(specOf(u))).toBe(4 + 3);
  });

  it('refuses a kept residual of another model', () => {
    const bad = { residual: one([0, 0, 0]) };
    expect(() => quantizedCodec(4).encodeWithState(one([1, 2]), bad)).toThrow(/int4: the kept residual does not fit/);
  });
});

describe("int4 with scale 'mse'", () => {
  it('sends a bell-shaped update with less squared error than max-abs scaling, and error feedback delivers the clipped tails later', () => {
    const rng = new Rng(11);
    const u: WeightSet = [{ name: 'w', shape: [3000], values: Float32Array.from({ length: 3000 }, () => rng.normal() * 0.01) }];
    const spec = specOf(u);
    const l2 = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((e, x, k) => e + (x - b[k]!) ** 2, 0) / a.reduce((e, x) => e + x * x, 0));
    const error = (codec: ReturnType<typeof quantizedCodec>) => l2(u[0]!.values, codec.decode(codec.encode(u), spec)[0]!.values);
    const mse = quantizedCodec(4, { scale: 'mse' });
    expect(mse.options.scale).toBe('mse');
    expect(error(mse)).toBeLessThan(0.85 * error(quantizedCodec(4)));
    expect(mse.maxRelativeError).toBeCloseTo(0.6 + 2 ** -23, 15);

    let state = null;
    const arrived = new Float64Array(3000);
    for (let r = 0; r < 30; r++) {
      const out = mse.encodeWithState(u, state);
      mse.decode(out.bytes, spec)[0]!.values.forEach((x, i) => (arrived[i]! += x));
      state = out.state;
    }
    const biggest = u[0]!.values.reduce((b, x, i, a) => (Math.abs(x) > Math.abs(a[b]!) ? i : b), 0);
    // the largest value is clipped, yet nothing is lost (sent + kept = total) and most of it has arrived
    const x = u[0]!.values[biggest]!;
    expect(arrived[biggest]! + state!.residual[0]!.values[biggest]!).toBeCloseTo(30 * x, 5);
    expect(Math.abs(arrived[biggest]! / 30 - x)).toBeLessThan(0.1 * Math.abs(x));
  });

  it('refuses an unknown scale rule, naming it', () => {
    expect(() => quantizedCodec(4, { scale: 'minmax' })).toThrow(/int4 codec options: scale/);
  });
});

describe('int4 and int8 decoding', () => {
  it('refuses codes the encoder never writes (-8, -128) and a non-zero unused half-byte', () => {
    const u = one([1, -1, 0.5]);
    const spec = specOf(u);
    const raw = (packed: number[]) => deflateFast(Uint8Array.from([...new Uint8Array(Float32Array.of(1).buffer), ...packed]));
    expect(Array.from(quantizedCodec(4).decode(raw([0xf1, 0x00]), spec)[0]!.values)).toEqual([1, -1, 0]);
    expect(() => quantizedCodec(4).decode(raw([0x81, 0x00]), spec)).toThrow(/int4 payload: tensor "w": expected values in \[-7, 7\], found -8/);
    expect(() => quantizedCodec(4).decode(raw([0xf1, 0x10]), spec)).toThrow(/int4 payload: expected the unused last half-byte to be 0, found 1/);
    expect(() => quantizedCodec(8).decode(raw([1, 0x80, 0]), spec)).toThrow(/int8 payload: tensor "w": expected values in \[-127, 127\], found -128/);
  });
});
