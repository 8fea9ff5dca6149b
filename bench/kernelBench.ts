/**
 * Stock tfjs vs fedseg's fast 3D-convolution kernels, per kernel (forward, input
 * gradient, filter gradient) and per model preset, measured in the same run:
 * time per training step's convolutions (every Conv3D of the preset's U-Net once
 * forward and once each backward), achieved GFLOP/s, and the speed-up new/stock.
 *
 * Backends: 'cpu' (stock pure-JS kernels vs `registerFastCpuKernels`, im2col +
 * XNNPACK) and 'webgpu' (stock naive WGSL vs the tiled implicit GEMM). Without a GPU,
 * WebGPU runs on SwiftShader (the CPU): there only the ratio means anything, never
 * the absolute figures, and every row says so.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BenchRow } from './benchRow.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { unetPlan } from '../src/core/model/unetSpec.ts';
import { registerFastKernels } from '../src/kernels/registerFastKernels.ts';
import { registerFastCpuKernels } from '../src/kernels/wasm/fastCpuConv3d.ts';
import { installNodeWebgpu } from '../src/node/nodeWebgpu.ts';
import { CONV3D_KERNEL_NAMES, type Conv3DCase, type Conv3DKernelName, outShapeOf } from '../src/kernels/testing/conv3dCases.ts';
import { registerWebgpuBackendWithFeatures, webgpuFeatureReport } from '../src/kernels/webgpu/webgpuBackendWithFeatures.ts';

export type KernelBenchBackend = 'cpu' | 'webgpu';

export interface KernelBenchOptions {
  /** model presets whose convolution layers are measured (default tiny, standard, fets) */
  readonly presets?: readonly string[];
  readonly backends?: readonly KernelBenchBackend[];
  /** patch edge per preset, to keep slow stock kernels affordable (default: the preset's own) */
  readonly patchSize?: Readonly<Record<string, number>>;
  /** timed runs per kernel and layer shape, after one untimed warm-up (default 1) */
  readonly reps?: number;
  readonly log?: (line: string) => void;
}

/** One distinct convolution layer of a U-Net and how often the network uses it. */
export interface ConvLayerShape {
  readonly conv: Conv3DCase;
  readonly count: number;
}

/** The distinct Conv3D layer shapes of a preset's U-Net for cubic patches of edge `patch`. */
export function presetConvLayers(presetName: string, patch: number): ConvLayerShape[] {
  const byKey = new Map<string, ConvLayerShape>();
  for (const c of unetPlan(getPreset(presetName)).convs) {
    const stride = c.name.endsWith('.down.kernel') ? 2 : 1;
    const edge = (patch / 2 ** c.level) * stride;
    const conv: Conv3DCase = {
      batch: 1, inShape: [edge, edge, edge], inC: c.inChannels, outC: c.outChannels,
      k: [c.kernel, c.kernel, c.kernel], stride, pad: 'same',
    };
    const key = JSON.stringify(conv);
    const prev = byKey.get(key);
    byKey.set(key, { conv, count: (prev?.count ?? 0) + 1 });
  }
  return [...byKey.values()];
}

/** Multiply-adds x 2 of one Conv3D (each of its two gradients costs the same). */
export function convFlops(c: Conv3DCase): number {
  const out = outShapeOf(c);
  return 2 * out.slice(0, 4).reduce((a, b) => a * b, 1) * c.k[0] * c.k[1] * c.k[2] * c.inC * c.outC;
}

async function timeKernel(name: Conv3DKernelName, c: Conv3DCase, reps: number): Promise<number> {
  const xShape = [c.batch, ...c.inShape, c.inC];
  const fShape = [...c.k, c.inC, c.outC];
  const strides: [number, number, number] = [c.stride, c.stride, c.stride];
  const x = tf.randomUniform(xShape, -1, 1);
  const filter = tf.randomUniform(fShape, -1, 1);
  const dy = tf.randomUniform(outShapeOf(c), -1, 1);
  const once = async (): Promise<void> => {
    let out: tf.Tensor;
    if (name === 'Conv3D') out = tf.engine().runKernel(name, { x, filter }, { strides, pad: c.pad, dilations: [1, 1, 1], dataFormat: 'NDHWC' }) as tf.Tensor;
    else if (name === 'Conv3DBackpropInputV2') out = tf.engine().runKernel(name, { dy, filter }, { strides, pad: c.pad, inputShape: xShape }) as tf.Tensor;
    else out = tf.engine().runKernel(name, { x, dy }, { strides, pad: c.pad, filterShape: fShape }) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  try {
    await x.data();
    await filter.data();
    await dy.data();
    await once(); // warm-up: shader compilation, buffer pool, JIT
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await once();
    return (performance.now() - t0) / reps;
  } finally {
    tf.dispose([x, filter, dy]);
  }
}

async function setFast(backend: KernelBenchBackend, enabled: boolean): Promise<void> {
  if (backend === 'cpu') await registerFastCpuKernels(tf, { enabled });
  else registerFastKernels(tf, 'webgpu', { enabled });
}

async function prepare(backend: KernelBenchBackend): Promise<string | undefined> {
  if (backend === 'cpu') {
    return (await tf.setBackend('cpu')) ? undefined : 'tf.setBackend("cpu") failed';
  }
  const r = await installNodeWebgpu();
  if (!r.ok) return r.detail;
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) return 'tf.setBackend("webgpu") resolved false';
  return undefined;
}

function variantName(backend: KernelBenchBackend, fast: boolean, adapter: string): string {
  return `${backend}${backend === 'webgpu' ? ` (${adapter})` : ''} ${fast ? 'fast' : 'stock'}`;
}

/** Runs the kernel benchmark; rows for ms and GFLOP/s, fast rows carry the ratio to stock. */
export async function benchKernels(opts: KernelBenchOptions = {}): Promise<BenchRow[]> {
  const presets = opts.presets ?? ['tiny', 'standard', 'fets'];
  const backends = opts.backends ?? ['cpu', 'webgpu'];
  const reps = Math.max(1, opts.reps ?? 1);
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  for (const backend of backends) {
    const problem = await prepare(backend);
    if (problem) {
      log(`kernels: skipping ${backend}: ${problem}`);
      rows.push({ suite: 'kernels', name: 'unavailable', variant: backend, value: 0, unit: 'ms', note: problem });
      continue;
    }
    const adapter = backend === 'webgpu' ? webgpuAdapterLabel() : 'cpu';
    const swiftShader = /swiftshader/i.test(adapter);
    const note = swiftShader ? 'SwiftShader (WebGPU on the CPU): only the ratio means anything' : undefined;
    for (const preset of presets) {
      const patch = opts.patchSize?.[preset] ?? getPreset(preset).patchSize;
      const layers = presetConvLayers(preset, patch);
      const totals = new Map<string, { ms: number; flops: number }>();
      const add = (key: string, ms: number, flops: number): void => {
        const t = totals.get(key) ?? { ms: 0, flops: 0 };
        totals.set(key, { ms: t.ms + ms, flops: t.flops + flops });
      };
      for (const { conv, count } of layers) {
        for (const kernel of CONV3D_KERNEL_NAMES) {
          for (const fast of [false, true]) {
            await setFast(backend, fast);
            const ms = (await timeKernel(kernel, conv, reps)) * count;
            const flops = convFlops(conv) * count;
            add(`${kernel}|${fast}`, ms, flops);
            add(`step|${fast}`, ms, flops);
            log(`kernels ${backend} ${preset}@${patch} ${kernel} ${conv.inShape[0]}^3 ${conv.inC}->${conv.outC} s${conv.stride} k${conv.k[0]} x${count} ${fast ? 'fast' : 'stock'}: ${ms.toFixed(1)} ms`);
          }
        }
      }
      await setFast(backend, false);
      for (const what of [...CONV3D_KERNEL_NAMES, 'step'] as const) {
        const stock = totals.get(`${what}|false`)!;
        const fastT = totals.get(`${what}|true`)!;
        const name = `${preset}@${patch}^3 ${what === 'step' ? 'training step convolutions' : what}`;
        const stockName = variantName(backend, false, adapter);
        const fastName = variantName(backend, true, adapter);
        const extra = note ? { note } : {};
        rows.push({ suite: 'kernels', name, variant: stockName, value: stock.ms, unit: 'ms', ...extra });
        rows.push({ suite: 'kernels', name, variant: fastName, value: fastT.ms, unit: 'ms', ratio: fastT.ms / stock.ms, baseline: stockName, ...extra });
        rows.push({ suite: 'kernels', name, variant: stockName, value: stock.flops / stock.ms / 1e6, unit: 'GFLOP/s', ...extra });
        rows.push({
          suite: 'kernels', name, variant: fastName, value: fastT.flops / fastT.ms / 1e6, unit: 'GFLOP/s',
          ratio: stock.ms / fastT.ms, baseline: stockName, ...extra,
        });
      }
    }
  }
  return rows;
}

function webgpuAdapterLabel(): string {
  const b = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string }; device?: GPUDevice };
  const info = b.adapterInfo;
  const text = `${info?.vendor ?? ''} ${info?.architecture ?? ''}`.trim();
  return text || 'unknown adapter';
}

/** A markdown table of the GFLOP/s rows: stock, fast and the speed-up per preset and kernel. */
export function kernelBenchTable(rows: readonly BenchRow[]): string {
  const lines = ['| backend | measured | stock ms | fast ms | stock GFLOP/s | fast GFLOP/s | speed-up |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    if (r.unit !== 'GFLOP/s' || r.ratio === undefined || !r.baseline) continue;
    const stockG = rows.find((s) => s.name === r.name && s.variant === r.baseline && s.unit === 'GFLOP/s');
    const stockMs = rows.find((s) => s.name === r.name && s.variant === r.baseline && s.unit === 'ms');
    const fastMs = rows.find((s) => s.name === r.name && s.variant === r.variant && s.unit === 'ms');
    const backend = r.variant.replace(/ fast$/, '') + (r.note ? ' ¹' : '');
    lines.push(`| ${backend} | ${r.name} | ${stockMs?.value.toFixed(0)} | ${fastMs?.value.toFixed(0)} | ${stockG?.value.toFixed(2)} | ${r.value.toFixed(2)} | ${r.ratio.toFixed(1)}x |`);
  }
  if (rows.some((r) => r.note)) lines.push('', '¹ SwiftShader runs WebGPU on the CPU: only the speed-up means anything.');
  return lines.join('\n');
}

/** A standard-preset layer (level 1 at a 32^3 patch, used 3 times per U-Net). */
export const STANDARD_LAYER: Conv3DCase = { batch: 1, inShape: [16, 16, 16], inC: 32, outC: 32, k: [3, 3, 3], stride: 1, pad: 'same' };

/**
 * The fast WebGPU kernels' plain variant vs their subgroup variant on one layer, same
 * run, alternately; the subgroup rows carry the ratio subgroup/plain in time. Needs
 * the webgpu backend not yet initialised in this process (its device must be created
 * with 'subgroups'). On SwiftShader (subgroups of 4, run on the CPU) the ratio says
 * nothing about a GPU.
 */
export async function benchSubgroupVariant(opts: { layer?: Conv3DCase; reps?: number; log?: (line: string) => void } = {}): Promise<BenchRow[]> {
  const layer = opts.layer ?? STANDARD_LAYER;
  const reps = Math.max(1, opts.reps ?? 2);
  const log = opts.log ?? (() => {});
  const unavailable = (why: string): BenchRow[] => {
    log(`kernels: skipping the subgroup variant: ${why}`);
    return [{ suite: 'kernels', name: 'subgroup variant', variant: 'webgpu', value: 0, unit: 'ms', note: why }];
  };
  const r = await installNodeWebgpu();
  if (!r.ok) return unavailable(r.detail);
  await import('@tensorflow/tfjs-backend-webgpu');
  const reg = registerWebgpuBackendWithFeatures(tf);
  if (!reg.registered) return unavailable(reg.reason);
  if (!(await tf.setBackend('webgpu'))) return unavailable('tf.setBackend("webgpu") resolved false');
  if (!webgpuFeatureReport()?.granted.includes('subgroups')) return unavailable(`no subgroups on this device (${JSON.stringify(webgpuFeatureReport())})`);
  const adapter = webgpuAdapterLabel();
  const note = /swiftshader/i.test(adapter) ? 'SwiftShader (subgroups of 4 on the CPU): the ratio says nothing about a GPU' : undefined;
  const shape = `${layer.inShape.join('x')}x${layer.inC}->${layer.outC} k${layer.k[0]} s${layer.stride}`;
  const rows: BenchRow[] = [];
  try {
    for (const kernel of CONV3D_KERNEL_NAMES) {
      const ms: Record<'off' | 'on', number> = { off: 0, on: 0 };
      for (let i = 0; i < reps; i++) {
        for (const mode of ['off', 'on'] as const) {
          registerFastKernels(tf, 'webgpu', { enabled: true, subgroups: mode });
          ms[mode] += (await timeKernel(kernel, layer, 1)) / reps;
        }
      }
      log(`kernels webgpu ${kernel} ${shape}: plain ${ms.off.toFixed(1)} ms, subgroup ${ms.on.toFixed(1)} ms`);
      const name = `${shape} ${kernel}`;
      const extra = note ? { note } : {};
      const plain = `webgpu (${adapter}) fast plain`;
      rows.push({ suite: 'kernels', name, variant: plain, value: ms.off, unit: 'ms', ...extra });
      rows.push({ suite: 'kernels', name, variant: `webgpu (${adapter}) fast subgroup`, value: ms.on, unit: 'ms', ratio: ms.on / ms.off, baseline: plain, ...extra });
    }
  } finally {
    registerFastKernels(tf, 'webgpu', { enabled: false, subgroups: 'off' });
  }
  return rows;
}
