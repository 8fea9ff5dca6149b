/**
 * Shared frame of the order-statistic rules (coordinate-wise median, trimmed mean): they need
 * every update of the round at once, so this aggregator HOLDS ALL N UPDATES IN MEMORY
 * (N models), unlike the streaming strategies. At finish it reduces them coordinate by
 * coordinate into one robust delta and hands that to the inner strategy as a single update
 * of weight 1 (so fedavg + median = global + median delta; fedadam + median = an Adam step
 * along the median). Sample-count weights are ignored on purpose: a site could lie about them.
 */
import type { WeightSet } from '../types/weights.ts';
import { specOf } from '../protocol/weightSpec.ts';
import type { AggregationStrategy, Aggregator } from './strategy.ts';
import { checkUpdate, emptyRound, finishedTwice } from './strategy.ts';

/** Reduce the n values of one coordinate (sorted ascending, in a scratch array) to one. */
export type SortedReducer = (sorted: Float64Array) => number;

/** Apply `reduce` to every coordinate of the updates. */
export function reduceCoordinates(updates: readonly WeightSet[], reduce: SortedReducer): WeightSet {
  const n = updates.length;
  const scratch = new Float64Array(n);
  const first = updates[0]!;
  return first.map((t, i) => {
    const out = new Float32Array(t.values.length);
    for (let k = 0; k < out.length; k++) {
      for (let j = 0; j < n; j++) scratch[j] = updates[j]![i]!.values[k]!;
      sortSmall(scratch);
      out[k] = reduce(scratch);
    }
    return { name: t.name, shape: t.shape, values: out };
  });
}

/** Ascending in place: insertion sort for the usual handful of sites, the built-in sort beyond. */
function sortSmall(a: Float64Array): void {
  if (a.length > 32) {
    a.sort();
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

export function bufferedRobust(name: string, inner: AggregationStrategy, reduce: (updates: readonly WeightSet[]) => WeightSet): AggregationStrategy {
  const fullName = `${name}(${inner.name})`;
  return {
    name: fullName,
    begin(global): Aggregator {
      const spec = specOf(global);
      const held: WeightSet[] = [];
      let done = false;
      return {
        add(update, weight) {
          if (done) throw finishedTwice(fullName);
          checkUpdate(update, weight, spec, fullName);
          held.push(update);
        },
        get count() {
          return held.length;
        },
        finish() {
          if (done) throw finishedTwice(fullName);
          if (held.length === 0) throw emptyRound(fullName);
          done = true;
          const agg = inner.begin(global);
          agg.add(reduce(held), 1);
          held.length = 0;
          return agg.finish();
        },
      };
    },
    exportState: () => inner.exportState(),
    importState: (s) => inner.importState(s),
  };
}
