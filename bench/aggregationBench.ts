/**
 * Peak memory (heap + array buffers, after a collection when node runs with --expose-gc)
 * of the coordinator's streaming aggregation: 4, 16 and 64 simulated site
 * updates of the `standard` preset's size, each encoded with the plan's codec, decoded
 * and added to the running aggregate as it arrives (the path an upload takes in
 * src/coordinator/federation.ts). The aggregate holds about two models whatever the
 * number of sites, so the peak should stay about flat; a buffered rule (median) is
 * measured beside it to show what linear growth looks like.
 */
import { getPreset } from '../src/core/model/modelPresets.ts';
import { parsePlan, type Plan } from '../src/core/protocol/plan.ts';
import { specSize } from '../src/core/protocol/weightSpec.ts';
import type { WeightSet } from '../src/core/types/weights.ts';
import { Rng } from '../src/core/util/rng.ts';
import { codecFor } from '../src/core/codecs/updateCodec.ts';
import { federationAlgorithms } from '../src/coordinator/federationAlgorithms.ts';
import { initialModel } from '../src/coordinator/initialModel.ts';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { BenchRow } from './benchRow.ts';

export interface AggregationBenchOptions {
  readonly siteCounts?: readonly number[];
  readonly preset?: string;
  /** also measure the buffered coordinate-wise median (memory grows with sites) */
  readonly withMedian?: boolean;
}

const MiB = 1024 * 1024;

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** The garbage collector: node's --expose-gc, or switched on at run time through v8 flags. */
function garbageCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

let gc: (() => void) | null | undefined;
function collect(): void {
  gc ??= garbageCollector();
  gc?.();
  gc?.();
}

/** One site's update: small random values, a fresh allocation (as a decoded upload is). */
function simulatedDelta(global: WeightSet, rng: Rng): WeightSet {
  return global.map((t) => {
    const values = new Float32Array(t.values.length);
    for (let i = 0; i < values.length; i++) values[i] = (rng.next() - 0.5) * 1e-3;
    return { name: t.name, shape: t.shape, values };
  });
}

async function peakFor(plan: Plan, global: WeightSet, sites: number): Promise<number> {
  const algorithms = federationAlgorithms(plan);
  const codec = codecFor(plan.codec);
  const spec = global.map((t) => ({ name: t.name, shape: t.shape }));
  const rng = new Rng(sites);
  collect();
  const base = memoryNow();
  let peak = 0;
  const agg = algorithms.begin(1, global);
  for (let s = 0; s < sites; s++) {
    const payload = codec.encode(simulatedDelta(global, rng)); // what arrives over HTTP
    agg.add(algorithms.decodeUpdate(payload, spec), 1 + (s % 5));
    collect(); // what the aggregation retains, not garbage waiting for the collector
    peak = Math.max(peak, memoryNow() - base);
    await new Promise((r) => setImmediate(r)); // uploads arrive over time
  }
  const next = agg.finish();
  collect();
  peak = Math.max(peak, memoryNow() - base);
  if (next.length !== global.length) throw new Error('aggregation lost tensors');
  return peak;
}

export async function benchAggregationMemory(opts: AggregationBenchOptions = {}): Promise<BenchRow[]> {
  const counts = opts.siteCounts ?? [4, 16, 64];
  const presetName = opts.preset ?? 'standard';
  const preset = getPreset(presetName);
  const global = initialModel(preset, 1);
  const modelMiB = (specSize(global.map((t) => ({ name: t.name, shape: t.shape }))) * 4) / MiB;
  const variants: { variant: string; plan: Plan }[] = [
    { variant: 'fedavg (streaming)', plan: parsePlan({ model: { preset: presetName } }, 'bench plan') },
  ];
  if (opts.withMedian ?? true) {
    variants.push({ variant: 'median (buffered)', plan: parsePlan({ model: { preset: presetName }, aggregation: { strategy: 'median' } }, 'bench plan') });
  }
  collect();
  const gcNote = gc
    ? 'retained after each add (gc)'
    : 'includes uncollected garbage: run node with --expose-gc to see what is retained';
  const rows: BenchRow[] = [
    { suite: 'aggregation', name: `model size (${presetName})`, variant: 'float32', value: modelMiB, unit: 'MiB' },
  ];
  for (const { variant, plan } of variants) {
    await peakFor(plan, global, 2); // warm-up: code and caches are not what we measure
    let first: number | null = null;
    for (const n of counts) {
      const peak = (await peakFor(plan, global, n)) / MiB;
      first ??= peak;
      rows.push({
        suite: 'aggregation',
        name: `peak memory, ${n} sites`,
        variant,
        value: peak,
        unit: 'MiB',
        ratio: peak / first,
        baseline: `${counts[0]} sites`,
        note: `${(peak / modelMiB).toFixed(1)} models; ${gcNote}`,
      });
    }
  }
  return rows;
}
