/**
 * A running weighted sum of weight sets: add one update at a time and forget it, so that
 * aggregation holds one accumulator (float64, for order-independent rounding) whatever the
 * number of sites.
 */
import type { WeightSet } from '../types/weights.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';

export class RunningWeightedSum {
  private readonly acc: Float64Array[];
  private total = 0;
  private n = 0;

  constructor(private readonly spec: WeightSpec) {
    this.acc = spec.map((t) => new Float64Array(t.shape.reduce((a, b) => a * b, 1)));
  }

  add(w: WeightSet, weight: number): void {
    for (let i = 0; i < this.acc.length; i++) {
      const a = this.acc[i]!;
      const v = w[i]!.values;
      for (let k = 0; k < a.length; k++) a[k]! += weight * v[k]!;
    }
    this.total += weight;
    this.n++;
  }

  /** number of sets added */
  get count(): number {
    return this.n;
  }

  get totalWeight(): number {
    return this.total;
  }

  /** The sum divided by `divisor` (the total weight by default), as float32. */
  mean(divisor = this.total): WeightSet {
    return this.spec.map((t, i) => ({ name: t.name, shape: t.shape, values: Float32Array.from(this.acc[i]!, (x) => x / divisor) }));
  }

  /** Direct access to the float64 sums (e.g. to add noise in place). */
  sums(): readonly Float64Array[] {
    return this.acc;
  }
}
