import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { fedAdagrad } from './fedAdagrad.ts';
import { fedAdam } from './fedAdam.ts';
import { fedYogi } from './fedYogi.ts';

const one = (x: number): WeightSet => [{ name: 'w', shape: [1], values: Float32Array.of(x) }];

function step(s: ReturnType<typeof fedAdam>, g: number, d: number): number {
  const agg = s.begin(one(g));
  agg.add(one(d), 1);
  return agg.finish()[0]!.values[0]!;
}

describe('FedOpt server optimisers (Reddi et al. 2021)', () => {
  const o = { eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3 };
  it('FedAdam follows Algorithm 2 for two rounds', () => {
    const s = fedAdam(o);
    let m = 0;
    let v = o.tau ** 2;
    let x = 1;
    for (const d of [0.5, -0.2]) {
      m = 0.9 * m + 0.1 * d;
      v = 0.99 * v + 0.01 * d * d;
      const expected = x + (0.1 * m) / (Math.sqrt(v) + o.tau);
      x = step(s, x, d);
      expect(x).toBeCloseTo(expected, 5);
    }
  });

  it('FedYogi and FedAdagrad differ from FedAdam only in v', () => {
    const d = 0.5;
    const m = 0.1 * d;
    const v0 = o.tau ** 2;
    const vYogi = v0 - 0.01 * d * d * Math.sign(v0 - d * d);
    const vAdagrad = v0 + d * d;
    expect(step(fedYogi(o), 0, d)).toBeCloseTo((0.1 * m) / (Math.sqrt(vYogi) + o.tau), 5);
    expect(step(fedAdagrad(o), 0, d)).toBeCloseTo((0.1 * m) / (Math.sqrt(vAdagrad) + o.tau), 5);
  });

  it('exports its moments as named tensors and refuses foreign state', () => {
    const s = fedAdam();
    expect(s.exportState()).toEqual([]);
    step(s, 0, 1);
    const st = s.exportState();
    expect(st.map((t) => t.name)).toEqual(['m/w', 'v/w']);
    expect(() => fedAdam().importState([{ name: 'x', shape: [1], values: Float32Array.of(0) }])).toThrow(/m\/\.\.\./);
    const other = fedAdam();
    other.importState(st);
    expect(() => step(other, 0, 1)).not.toThrow();
    const wrongModel = other.begin([{ name: 'w', shape: [2], values: new Float32Array(2) }]);
    wrongModel.add([{ name: 'w', shape: [2], values: new Float32Array(2) }], 1);
    expect(() => wrongModel.finish()).toThrow(/MODEL|shape/);
  });
});

describe('FedOpt on an update whose square overflows float32', () => {
  it.each([
    ['fedadam', fedAdam],
    ['fedyogi', fedYogi],
    ['fedadagrad', fedAdagrad],
  ])('%s keeps its state finite, so it can be stored and the weight still moves', (_name, make) => {
    const s = make({});
    const x = step(s, 0, 1e20); // 1e40 > float32's largest, 3.4e38
    expect(Number.isFinite(x)).toBe(true);
    for (const t of s.exportState()) expect(t.values.every(Number.isFinite)).toBe(true);
    const after = step(s, x, -1);
    expect(Number.isFinite(after)).toBe(true);
    expect(after).not.toBe(x);
  });
});
