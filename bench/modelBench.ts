/**
 * Model training throughput per preset and backend, measured in one run: training
 * voxels/s and achieved GFLOP/s (UNet3D.flopsPerStep: convolutions, forward + backward),
 * each also as a ratio to Node's cpu backend measured in the same run.
 *
 * Backends: every one this process can start among cpu, wasm and webgpu (Dawn; without a
 * GPU that is SwiftShader on the CPU: its absolute figures mean nothing, only the ratio,
 * and its rows say so). wasm's conv3d gradients are wrong in tfjs 4.22 (see
 * src/node/tfNode.test.ts): its timing is real, its training is not.
 * Patches can be smaller than the preset's own (the network is fully convolutional) to
 * keep slow backends affordable; each row names the patch it used.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchRow } from './benchRow.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { UNet3D } from '../src/core/model/unet3d.ts';
import { ensureGradients } from '../src/core/model/ensureGradients.ts';
import { PatchSampler } from '../src/core/train/patchSampler.ts';
import { segmentationLoss } from '../src/core/train/segmentationLoss.ts';
import { sphereCase } from '../src/core/train/sphereCase.ts';
import { initTfNode, type NodeBackend } from '../src/node/tfNode.ts';

export interface ModelBenchOptions {
  /** default tiny, standard, fets */
  readonly presets?: readonly string[];
  /** default cpu, wasm, webgpu (those that fail to start are reported and skipped) */
  readonly backends?: readonly NodeBackend[];
  /** patch edge per preset (default tiny 16, standard 32, fets 16: their own 64^3 steps are 95 and 379 GFLOP, minutes per step for stock tfjs on a CPU) */
  readonly patchSize?: Readonly<Record<string, number>>;
  /** timed steps per preset after one untimed warm-up step (default tiny 3, others 1) */
  readonly steps?: Readonly<Record<string, number>>;
  /** presets run on SwiftShader (a CPU pretending to be a GPU, ~10x slower than cpu); default tiny */
  readonly swiftShaderPresets?: readonly string[];
  readonly log?: (line: string) => void;
}

const DEFAULT_PATCH: Record<string, number> = { tiny: 16, standard: 32, fets: 16 };
const DEFAULT_STEPS: Record<string, number> = { tiny: 3 };

interface Measured {
  seconds: number;
  voxelsPerSecond: number;
  gflops: number;
  gflopPerStep: number;
  patch: number;
}

/**
 * The trainer's step (sample, forward, loss, backward, Adam update, `await loss.data()`),
 * timed without the trainer's divergence check: wasm's wrong gradients turn the loss into
 * NaN, and its timing is still worth having.
 */
async function measure(presetName: string, patch: number, steps: number): Promise<Measured> {
  const preset = { ...getPreset(presetName), patchSize: patch };
  await ensureGradients();
  const model = UNet3D.create(preset, 1);
  const sampler = new PatchSampler([sphereCase({ seed: 1, dims: [patch, patch, patch] })], { patchSize: patch, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableVariables();
  let seconds = 0;
  try {
    for (let step = 0; step <= steps; step++) {
      const t0 = performance.now();
      const b = await sampler.next(1);
      const loss = tf.tidy(() => {
        const x = tf.tensor5d(b.image, [1, patch, patch, patch, 4]);
        const y = tf.tensor2d(b.targets, [patch ** 3, 3]);
        return optimizer.minimize(() => segmentationLoss(model.apply(x, true), y), true, vars) as tf.Scalar;
      });
      await loss.data();
      loss.dispose();
      // step 0 is the warm-up (allocation, shader compilation)
      if (step > 0) seconds += (performance.now() - t0) / 1000;
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  const flops = model.flopsPerStep(1);
  return { seconds: seconds / steps, voxelsPerSecond: (patch ** 3 * steps) / seconds, gflops: (flops * steps) / seconds / 1e9, gflopPerStep: flops / 1e9, patch };
}

function measuredRows(preset: string, variant: string, m: Measured, note: string, base?: Measured & { label: string }): BenchRow[] {
  const common = { suite: 'model', variant, note, ...(base ? { baseline: base.label } : {}) };
  return [
    { ...common, name: `train step ${preset} ${m.patch}^3`, value: m.seconds, unit: 's/step', ...(base ? { ratio: base.seconds / m.seconds } : {}) },
    { ...common, name: `train ${preset} ${m.patch}^3 voxels/s`, value: m.voxelsPerSecond, unit: 'voxels/s', ...(base ? { ratio: m.voxelsPerSecond / base.voxelsPerSecond } : {}) },
    { ...common, name: `train ${preset} ${m.patch}^3 GFLOP/s`, value: m.gflops, unit: 'GFLOP/s', ...(base ? { ratio: m.gflops / base.gflops } : {}) },
  ];
}

/** Runs `f` with fedseg's fast Conv3D kernels on `backend` (cpu, wasm, webgpu), then restores the stock ones. */
async function withFastKernels<T>(backend: NodeBackend, f: () => Promise<T>): Promise<T | null> {
  if (backend === 'cpu' || backend === 'wasm') {
    const { registerFastCpuKernels } = await import('../src/kernels/wasm/fastCpuConv3d.ts');
    await registerFastCpuKernels(tf, { enabled: true, backend });
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    try {
      return await f();
    } finally {
      await registerFastCpuKernels(tf, { enabled: false, backend });
    }
  }
  if (backend === 'webgpu') {
    const { registerFastKernels } = await import('../src/kernels/registerFastKernels.ts');
    registerFastKernels(tf, 'webgpu', { enabled: true });
    try {
      return await f();
    } finally {
      registerFastKernels(tf, 'webgpu', { enabled: false });
    }
  }
  return null;
}

export async function benchModels(opts: ModelBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const presets = opts.presets ?? ['tiny', 'standard', 'fets'];
  const backends = opts.backends ?? ['cpu', 'wasm', 'webgpu'];
  const order: NodeBackend[] = ['cpu', ...backends.filter((b) => b !== 'cpu')];
  const rows: BenchRow[] = [];
  const cpu = new Map<string, Measured>();
  for (const backend of order) {
    const tfn = await initTfNode([backend]);
    if (tfn.backend !== backend) {
      log(`model bench: ${backend} skipped: ${tfn.refused.map((r) => r.reason).join('; ')}`);
      continue;
    }
    const swiftShader = backend === 'webgpu' && /swiftshader/i.test(tfn.adapter ?? '');
    const variant = backend === 'webgpu' ? `webgpu (${swiftShader ? 'SwiftShader' : tfn.adapter ?? 'Dawn'})` : backend;
    for (const name of presets) {
      if (swiftShader && !(opts.swiftShaderPresets ?? ['tiny']).includes(name)) {
        log(`model bench: ${name} skipped on SwiftShader (too slow on a CPU; pass swiftShaderPresets to run it)`);
        continue;
      }
      const patch = opts.patchSize?.[name] ?? DEFAULT_PATCH[name] ?? getPreset(name).patchSize;
      const steps = opts.steps?.[name] ?? DEFAULT_STEPS[name] ?? 1;
      log(`model bench: ${name} ${patch}^3 on ${variant}, 1 + ${steps} steps...`);
      const m = await measure(name, patch, steps);
      if (backend === 'cpu') cpu.set(name, m);
      const base = cpu.get(name);
      const notesOf = (r: Measured): string => [
        `patch ${patch}^3, batch 1, ${r.gflopPerStep.toFixed(2)} GFLOP/step, ${r.seconds.toFixed(2)} s/step, mean of ${steps} step(s) after 1 warm-up`,
        ...(swiftShader ? ['SwiftShader runs on the CPU: compare the ratio only'] : []),
        ...(backend === 'wasm' ? ["stock wasm conv3d gradients are wrong in tfjs 4.22: its stock row is timing only"] : []),
      ].join('; ');
      const notes = notesOf(m);
      rows.push(...measuredRows(name, `${variant}, stock kernels`, m, notes, base ? { ...base, label: 'cpu, stock kernels' } : undefined));
      log(`  stock kernels: ${Math.round(m.voxelsPerSecond)} voxels/s, ${m.gflops.toFixed(3)} GFLOP/s, ${m.seconds.toFixed(2)} s/step${base ? `, x${(m.gflops / base.gflops).toFixed(2)} vs cpu` : ''}`);
      const fast = await withFastKernels(backend, () => measure(name, patch, steps));
      if (fast) {
        // the Node targets are against stock pure-JS cpu; WebGPU's against its own stock kernels
        const fastBase = backend === 'webgpu' || !base ? { ...m, label: `${variant}, stock kernels` } : { ...base, label: 'cpu, stock kernels' };
        const how = backend === 'webgpu' ? 'src/kernels (WGSL)' : 'src/kernels/wasm/fastCpuConv3d (im2col + XNNPACK)';
        rows.push(...measuredRows(name, `${variant}, fedseg kernels`, fast, `${notesOf(fast)}; Conv3D and its gradients by ${how}`, fastBase));
        log(`  fedseg kernels: ${Math.round(fast.voxelsPerSecond)} voxels/s, ${fast.seconds.toFixed(2)} s/step, x${(fastBase.seconds / fast.seconds).toFixed(2)} vs ${fastBase.label}`);
      }
    }
  }
  await initTfNode(['cpu']);
  return rows;
}
