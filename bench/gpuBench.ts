/**
 * fedseg's WebGPU benchmark for a real GPU (issue #7), one phase per process so that
 * a hang or crash in one phase loses only that phase (scripts/gpu-bench/run.sh gives
 * each its own timeout). Every phase resolves with a `GpuPhaseResult`; the CLI writes
 * it as JSON (`--out`). Bundled with everything it imports into one file by
 * scripts/gpu-bench/build.mjs, so that it runs where there is no node_modules.
 *
 * Phases:
 * - info: the WebGPU adapter Dawn picked (vendor, architecture, description), its
 *   features and limits.
 * - matmul: float32 matrix products through tfjs's WebGPU backend (the reference for
 *   what WebGPU reaches on this GPU; PyTorch's rate comes from bench/torch_anchor.py).
 * - kernels: `benchKernels` on webgpu for one preset at one patch: every Conv3D layer
 *   forward and both gradients, stock tfjs vs fedseg's kernels.
 * - model: the trainer's own step (`trainLocal`: sample, forward, Dice + BCE, backward,
 *   Adam, `await loss.data()`) on webgpu, fedseg's kernels then stock, plus the
 *   WebGPU buffer pool's size after each (tf.memory()).
 * - check: fedseg's WebGPU kernels against stock cpu (edge cases) and stock webgpu
 *   (the preset's real layers), as relative errors.
 * - subgroups: `benchSubgroupVariant` on one layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BenchRow } from './benchRow.ts';
import { benchKernels, benchSubgroupVariant, presetConvLayers } from './kernelBench.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { ensureGradients } from '../src/core/model/ensureGradients.ts';
import { UNet3D } from '../src/core/model/unet3d.ts';
import { unetPlan, unetTrainingFlops } from '../src/core/model/unetSpec.ts';
import { trainLocal } from '../src/core/train/localTrainer.ts';
import { sphereCase } from '../src/core/train/sphereCase.ts';
import { Rng } from '../src/core/util/rng.ts';
import { registerFastKernels } from '../src/kernels/registerFastKernels.ts';
import {
  CONV3D_EDGE_CASES, CONV3D_KERNEL_NAMES, type Conv3DCase, compareConv3DKernels, describeCase, randomOperands, relativeError, runConv3DKernel,
} from '../src/kernels/testing/conv3dCases.ts';
import { installNodeWebgpu } from '../src/node/nodeWebgpu.ts';
import { registerGradients, registerWebgpu } from '../src/node/tfNode.ts';

export const GPU_PHASES = ['info', 'matmul', 'kernels', 'model', 'check', 'subgroups'] as const;
export type GpuPhase = (typeof GPU_PHASES)[number];

export interface GpuPhaseOptions {
  /** model preset (kernels, model, check, subgroups); default standard, tiny with quick */
  readonly preset?: string;
  /** cubic patch edge; default the preset's own, 8 with quick */
  readonly patch?: number;
  /** timed runs per kernel (kernels), timed steps (model), timed products (matmul), after one warm-up */
  readonly reps?: number;
  /** matrix sizes (matmul); default 2048, 4096, 8192 */
  readonly sizes?: readonly number[];
  /** tiny shapes, for a run on SwiftShader that proves the bundle works */
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

export interface GpuPhaseResult {
  readonly phase: GpuPhase;
  readonly ok: boolean;
  readonly seconds: number;
  readonly options: Omit<GpuPhaseOptions, 'log'>;
  /** the WebGPU adapter the phase ran on (vendor architecture description) */
  readonly adapter?: string;
  readonly rows: BenchRow[];
  /** phase-specific figures that are not rows (adapter features and limits, check errors) */
  readonly data?: unknown;
  readonly error?: string;
}

/** The limits worth recording; Dawn's limit objects expose getters, not own properties. */
const LIMIT_NAMES = [
  'maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage', 'minStorageBufferOffsetAlignment',
] as const;

/** Gradients for the trainer: the bundle carries tfjs-core's own module; under tsx the union package serves. */
async function gradients(): Promise<void> {
  try {
    await ensureGradients();
  } catch {
    registerGradients();
  }
}

async function startWebgpu(): Promise<string> {
  const r = await registerWebgpu();
  if (!r.ok) throw new Error(`webgpu: ${r.detail}`);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") resolved false');
  return r.detail;
}

async function infoPhase(): Promise<{ adapter: string; data: unknown }> {
  const r = await installNodeWebgpu();
  if (!r.ok) throw new Error(r.detail);
  const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('requestAdapter() found no adapter');
  const info: Record<string, unknown> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description', 'subgroupMinSize', 'subgroupMaxSize', 'isFallbackAdapter'] as const) {
    const v = (adapter.info as unknown as Record<string, unknown>)[k];
    if (v !== undefined) info[k] = v;
  }
  const limits: Record<string, number> = {};
  for (const k of LIMIT_NAMES) limits[k] = (adapter.limits as unknown as Record<string, number>)[k] as number;
  return { adapter: r.detail, data: { info, features: [...adapter.features].sort(), limits } };
}

/** Mean wall time of `reps` float32 n x n x n products, queued back to back, after one warm-up. */
async function matmulPhase(sizes: readonly number[], reps: number, log: (l: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const adapter = await startWebgpu();
  for (const n of sizes) {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    const sync = async (c: tf.Tensor): Promise<void> => {
      const s = tf.sum(c);
      await s.data();
      s.dispose();
    };
    try {
      const warm = tf.matMul(a, b);
      await sync(warm);
      warm.dispose();
      const t0 = performance.now();
      let last: tf.Tensor | undefined;
      for (let i = 0; i < reps; i++) {
        last?.dispose();
        last = tf.matMul(a, b);
      }
      await sync(last as tf.Tensor);
      last?.dispose();
      const ms = (performance.now() - t0) / reps;
      const gflops = (2 * n ** 3) / ms / 1e6;
      log(`matmul ${n}^3 float32 on webgpu (${adapter}): ${ms.toFixed(2)} ms, ${gflops.toFixed(0)} GFLOP/s`);
      const note = `tfjs 4.22 webgpu matMul, float32, mean of ${reps} products queued back to back after 1 warm-up (wall clock, one tf.sum read back at the end)`;
      rows.push({ suite: 'matmul', name: `${n}x${n}x${n} float32`, variant: `webgpu (${adapter})`, value: ms, unit: 'ms', note });
      rows.push({ suite: 'matmul', name: `${n}x${n}x${n} float32`, variant: `webgpu (${adapter})`, value: gflops, unit: 'GFLOP/s', note });
    } finally {
      tf.dispose([a, b]);
    }
  }
  return rows;
}

interface StepTiming {
  readonly secondsPerStep: number;
  readonly warmupSeconds: number;
  readonly lastLoss: number;
  readonly memory: unknown;
}

/** The trainer's own steps on a phantom of the patch's size: `warmup` untimed steps, then `steps` timed. */
async function timeTrainingSteps(presetName: string, patch: number, steps: number, warmup: number): Promise<StepTiming> {
  const model = UNet3D.create({ ...getPreset(presetName), patchSize: patch }, 1);
  const cases = [sphereCase({ seed: 1, dims: [patch, patch, patch] })];
  const times: number[] = [];
  let lastLoss = NaN;
  let prev = performance.now();
  try {
    for await (const p of trainLocal(model, cases, { steps: steps + warmup, batchSize: 1, optimizer: 'adam', learningRate: 1e-3, seed: 1 })) {
      const now = performance.now();
      times.push((now - prev) / 1000);
      prev = now;
      lastLoss = p.loss;
    }
  } finally {
    model.dispose();
  }
  const timed = times.slice(warmup);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return { secondsPerStep: sum(timed) / timed.length, warmupSeconds: sum(times.slice(0, warmup)), lastLoss, memory: tf.memory() };
}

async function modelPhase(presetName: string, patch: number, steps: number, warmup: number, log: (l: string) => void): Promise<{ adapter: string; rows: BenchRow[]; data: unknown }> {
  await gradients();
  const adapter = await startWebgpu();
  const gflop = unetTrainingFlops(unetPlan(getPreset(presetName)), patch, 1) / 1e9;
  const rows: BenchRow[] = [];
  const data: Record<string, StepTiming> = {};
  const name = `train step ${presetName} ${patch}^3`;
  // fedseg first: the buffer pool never shrinks, so its tf.memory() is fedseg's alone
  for (const fast of [true, false]) {
    registerFastKernels(tf, 'webgpu', { enabled: fast });
    const kernels = fast ? 'fedseg kernels' : 'stock kernels';
    log(`model ${presetName} ${patch}^3 on webgpu (${adapter}), ${kernels}: ${warmup} + ${steps} steps...`);
    const t = await timeTrainingSteps(presetName, patch, steps, warmup);
    data[kernels] = t;
    log(`  ${t.secondsPerStep.toFixed(4)} s/step (warm-up ${t.warmupSeconds.toFixed(2)} s), loss ${t.lastLoss.toFixed(4)}, memory ${JSON.stringify(t.memory)}`);
    const note = `batch 1, ${gflop.toFixed(2)} GFLOP/step (convolutions), mean of ${steps} step(s) after ${warmup} warm-up step(s) of ${t.warmupSeconds.toFixed(2)} s in all; last loss ${t.lastLoss.toFixed(4)}`;
    const variant = `webgpu (${adapter}), ${kernels}`;
    rows.push({ suite: 'model', name, variant, value: t.secondsPerStep, unit: 's/step', note });
    rows.push({ suite: 'model', name, variant, value: gflop / t.secondsPerStep, unit: 'GFLOP/s', note });
  }
  registerFastKernels(tf, 'webgpu', { enabled: false });
  // rows: fedseg s/step, fedseg GFLOP/s, stock s/step, stock GFLOP/s; the speed-up goes on fedseg's
  const [fastS, fastG, stockS] = rows;
  if (fastS && fastG && stockS) {
    const ratio = stockS.value / fastS.value;
    rows[0] = { ...fastS, ratio, baseline: stockS.variant };
    rows[1] = { ...fastG, ratio, baseline: stockS.variant };
  }
  return { adapter, rows, data };
}

/** Relative errors of fedseg's WebGPU kernels: against stock cpu on the edge cases, against stock webgpu on the preset's layers. */
async function checkPhase(presetName: string, patch: number, quick: boolean): Promise<{ adapter: string; data: unknown }> {
  const adapter = await startWebgpu();
  const rng = new Rng(7);
  const out: { against: string; conv: string; kernel: string; relativeError: number }[] = [];
  registerFastKernels(tf, 'webgpu', { enabled: true });
  for (const c of quick ? CONV3D_EDGE_CASES.slice(0, 2) : CONV3D_EDGE_CASES) {
    for (const r of await compareConv3DKernels(tf, c, rng, 'webgpu', 'cpu')) {
      out.push({ against: 'stock cpu', conv: describeCase(c), kernel: r.kernel, relativeError: r.relativeError });
    }
  }
  const layers: Conv3DCase[] = presetConvLayers(presetName, patch).map((l) => l.conv);
  for (const c of layers) {
    for (const kernel of CONV3D_KERNEL_NAMES) {
      const ops = randomOperands(rng, c);
      registerFastKernels(tf, 'webgpu', { enabled: false });
      const want = await runConv3DKernel(tf, kernel, c, ops);
      registerFastKernels(tf, 'webgpu', { enabled: true });
      const got = await runConv3DKernel(tf, kernel, c, ops);
      out.push({ against: 'stock webgpu', conv: describeCase(c), kernel, relativeError: relativeError(got, want) });
    }
  }
  registerFastKernels(tf, 'webgpu', { enabled: false });
  return { adapter, data: { worstRelativeError: Math.max(...out.map((o) => o.relativeError)), comparisons: out } };
}

/** Runs one phase; failures are caught and returned as `ok: false` with the error. */
export async function runGpuPhase(phase: GpuPhase, opts: GpuPhaseOptions = {}): Promise<GpuPhaseResult> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const quick = opts.quick ?? false;
  const preset = opts.preset ?? (quick ? 'tiny' : 'standard');
  const patch = opts.patch ?? (quick ? 8 : getPreset(preset).patchSize);
  const options: Omit<GpuPhaseOptions, 'log'> = { ...opts, preset, patch, quick };
  delete (options as { log?: unknown }).log;
  const t0 = performance.now();
  const done = (r: Partial<GpuPhaseResult>): GpuPhaseResult => ({ phase, ok: !r.error, seconds: (performance.now() - t0) / 1000, options, rows: [], ...r });
  try {
    switch (phase) {
      case 'info':
        return done(await infoPhase());
      case 'matmul':
        return done({ rows: await matmulPhase(opts.sizes ?? (quick ? [64, 128] : [2048, 4096, 8192]), opts.reps ?? (quick ? 2 : 10), log) });
      case 'kernels':
        return done({ rows: await benchKernels({ presets: [preset], backends: ['webgpu'], patchSize: { [preset]: patch }, reps: opts.reps ?? (quick ? 1 : 3), log }) });
      case 'model':
        // two warm-up steps: the second step still compiles pipelines (Adam's steady state)
        return done(await modelPhase(preset, patch, opts.reps ?? (quick ? 1 : 5), quick ? 1 : 2, log));
      case 'check':
        return done(await checkPhase(preset, patch, quick));
      case 'subgroups': {
        const layer = presetConvLayers(preset, patch)[0]?.conv;
        return done({ rows: await benchSubgroupVariant({ ...(layer ? { layer } : {}), reps: opts.reps ?? (quick ? 1 : 3), log }) });
      }
    }
  } catch (err) {
    log(`${phase}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return done({ error: err instanceof Error ? err.message : String(err) });
  }
}
