/**
 * Adaptive server optimisers (FedOpt) — Reddi, Charles, Zaheer, Garrett, Rush, Konečný,
 * Kumar, McMahan, "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2).
 *
 * The weighted mean of the sites' deltas is a pseudo-gradient Δ (pointing downhill). With
 * first moment m and second moment v kept across rounds:
 *   m <- beta1 m + (1 - beta1) Δ
 *   v <- secondMoment(v, Δ)          (Adam, Yogi or Adagrad: see fedAdam/fedYogi/fedAdagrad.ts)
 *   x <- x + eta m / (sqrt(v) + tau)
 * v starts at tau^2 as in the paper. No bias correction (as published). v is kept at most
 * FLOAT32_MAX: an update of 2e19 (a diverged or hostile site; its square overflows float32)
 * would otherwise store v = Infinity, freeze that weight for good and leave a state that
 * cannot be stored and read back.
 * The state (m and v) is exported as a WeightSet named "m/<tensor>" and "v/<tensor>".
 */
import { z } from 'zod';
import type { NamedArray, WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { checkSpec, specOf } from '../protocol/weightSpec.ts';
import type { AggregationStrategy } from './strategy.ts';
import { MeanDeltaAggregator } from './fedAvg.ts';
import { parseStrategyOptions } from './strategyOptions.ts';

export const FedOptOptionsSchema = z.strictObject({
  /** server learning rate */
  eta: z.number().positive().finite().default(1e-2),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.99),
  /** adaptivity: larger tau = closer to plain momentum SGD */
  tau: z.number().positive().finite().default(1e-3),
});
export type FedOptOptions = z.output<typeof FedOptOptionsSchema>;

/** v's update for one coordinate: (v, Δ², beta2) -> new v */
export type SecondMomentRule = (v: number, g2: number, beta2: number) => number;

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export function fedOpt(name: string, rule: SecondMomentRule, options: unknown): AggregationStrategy {
  const o = parseStrategyOptions(FedOptOptionsSchema, options, name);
  let m: Float32Array[] | null = null;
  let v: Float32Array[] | null = null;
  let stateSpec: ReturnType<typeof specOf> | null = null;

  const step = (global: WeightSet, delta: WeightSet): WeightSet => {
    const spec = specOf(global);
    if (!m || !v || !stateSpec) {
      m = global.map((t) => new Float32Array(t.values.length));
      v = global.map((t) => new Float32Array(t.values.length).fill(o.tau * o.tau));
      stateSpec = spec;
    } else {
      checkSpec(spec, stateSpec, 'MODEL', `${name} state`);
    }
    return global.map((t, i) => {
      const d = delta[i]!.values;
      const mi = m![i]!;
      const vi = v![i]!;
      const out = new Float32Array(t.values.length);
      for (let k = 0; k < out.length; k++) {
        const g = d[k]!;
        mi[k] = o.beta1 * mi[k]! + (1 - o.beta1) * g;
        vi[k] = Math.min(rule(vi[k]!, g * g, o.beta2), FLOAT32_MAX);
        out[k] = t.values[k]! + (o.eta * mi[k]!) / (Math.sqrt(vi[k]!) + o.tau);
      }
      return { name: t.name, shape: t.shape, values: out };
    });
  };

  return {
    name,
    begin: (global) => new MeanDeltaAggregator(global, name, step),
    exportState: () => {
      if (!m || !v || !stateSpec) return [];
      const spec = stateSpec;
      const out: NamedArray[] = [];
      spec.forEach((t, i) => out.push({ name: 'm/' + t.name, shape: t.shape, values: m![i]!.slice() }));
      spec.forEach((t, i) => out.push({ name: 'v/' + t.name, shape: t.shape, values: v![i]!.slice() }));
      return out;
    },
    importState: (state) => {
      if (state.length === 0) {
        m = v = stateSpec = null;
        return;
      }
      if (state.length % 2 !== 0 || state.some((t, i) => !t.name.startsWith(i < state.length / 2 ? 'm/' : 'v/'))) {
        throw new FedsegError('STRATEGY_STATE_INVALID', `${name} state: expected tensors "m/..." then "v/...", found ${state.length} tensors starting ${JSON.stringify(state[0]?.name)}`);
      }
      const half = state.length / 2;
      const spec = state.slice(0, half).map((t) => ({ name: t.name.slice(2), shape: [...t.shape] }));
      checkSpec(state.slice(half).map((t) => ({ name: t.name.slice(2), shape: t.shape })), spec, 'MODEL', `${name} state`);
      m = state.slice(0, half).map((t) => t.values.slice());
      v = state.slice(half).map((t) => t.values.slice());
      stateSpec = spec;
    },
  };
}
