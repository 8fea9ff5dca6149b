/**
 * The subgroup variant of the WebGPU Conv3D kernels and the device it needs (Dawn on
 * SwiftShader, whose adapter offers 'subgroups' with subgroups of 4): results against
 * tfjs's cpu backend with fresh random operands for every check, and the fallbacks
 * (no feature: plain kernels; no device with features: tfjs's own backend).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { installNodeWebgpu } from '../../node/nodeWebgpu.ts';
import { Rng } from '../../core/util/rng.ts';
import { registerFastKernels } from '../registerFastKernels.ts';
import {
  CONV3D_EDGE_CASES, type Conv3DCase, compareConv3DKernels, describeCase, outShapeOf, randomConv3DCase, randomOperands, relativeError, runConv3DKernel,
} from '../testing/conv3dCases.ts';
import { webgpuDeviceFeatures } from './deviceFeatures.ts';
import { hoistEnableDirectives, subgroupSupport } from './subgroupSupport.ts';
import { registerWebgpuBackendWithFeatures, restoreStockWebgpuBackend, webgpuFeatureReport } from './webgpuBackendWithFeatures.ts';
import { Conv3DGemmProgram } from './conv3dProgram.ts';
import { convGeometry, gemmUniformData } from './implicitGemm.ts';

const seed = Date.now() >>> 0;
let ready = false;
let why = '';
let adapterHasSubgroups = false;

/** The webgpu backend on a device with the adapter's optional features; '' or why not. */
async function startBackendWithFeatures(): Promise<string> {
  const node = await installNodeWebgpu();
  if (!node.ok) return node.detail;
  await import('@tensorflow/tfjs-backend-webgpu');
  adapterHasSubgroups = (await navigator.gpu.requestAdapter())?.features.has('subgroups') ?? false;
  const reg = registerWebgpuBackendWithFeatures(tf);
  if (!reg.registered) return reg.reason;
  return (await tf.setBackend('webgpu')) ? '' : 'tf.setBackend("webgpu") resolved false';
}

beforeAll(async () => {
  why = await startBackendWithFeatures();
  ready = why === '';
  registerFastKernels(tf, 'webgpu', { enabled: true, subgroups: 'on' });
});

afterAll(() => {
  registerFastKernels(tf, 'webgpu', { enabled: false, subgroups: 'off' });
  restoreStockWebgpuBackend(tf);
});

function device(): GPUDevice {
  return (tf.backend() as WebGPUBackend).device;
}

/** Records the WGSL of every shader module `dev` compiles from now on. */
function recordShaders(dev: GPUDevice): string[] {
  const codes: string[] = [];
  const create = dev.createShaderModule.bind(dev);
  dev.createShaderModule = (d: GPUShaderModuleDescriptor): GPUShaderModule => {
    codes.push(d.code);
    return create(d);
  };
  return codes;
}

async function check(c: Conv3DCase, rng: Rng): Promise<void> {
  for (const row of await compareConv3DKernels(tf, c, rng, 'webgpu')) {
    expect(row.relativeError, `${row.kernel} ${describeCase(c)} (seed ${seed})`).toBeLessThan(1e-4);
  }
}

describe('hoistEnableDirectives', () => {
  it('moves enable lines, once each, before every declaration', () => {
    const code = 'struct A { x : f32 };\n  enable subgroups;\nfn f() {}\nenable subgroups;\n enable f16;\n';
    const out = hoistEnableDirectives(code);
    expect(out.startsWith('enable subgroups;\nenable f16;\n')).toBe(true);
    expect(out.match(/enable/g)).toHaveLength(2);
    expect(out).toContain('struct A { x : f32 };');
    expect(hoistEnableDirectives('fn f() {}')).toBe('fn f() {}');
  });
});

describe('webgpu backend with optional features', () => {
  it("asks for the adapter's subgroups and reports what it got", () => {
    if (!ready) return expect.soft(why).toBe('');
    const report = webgpuFeatureReport();
    expect(report?.withFeatures, report?.reason).toBe(true);
    expect([...(report?.granted ?? []), ...(report?.missing ?? [])].sort()).toEqual(['shader-f16', 'subgroups']);
    expect(webgpuDeviceFeatures(device()).subgroups).toBe(adapterHasSubgroups);
    expect(subgroupSupport(device()) !== undefined).toBe(adapterHasSubgroups);
  });

  it('refuses to replace a backend that is already initialised', () => {
    if (!ready) return expect.soft(why).toBe('');
    const reg = registerWebgpuBackendWithFeatures(tf);
    expect(reg.registered).toBe(false);
    expect(reg.registered ? '' : reg.reason).toMatch(/already initialised/);
  });
});

describe('subgroup Conv3D kernels', () => {
  it('run the subgroup variant and match the cpu backend on edge cases', async () => {
    if (!ready || !adapterHasSubgroups) return expect.soft(why || 'adapter without subgroups').toBe('');
    const codes = recordShaders(device());
    const rng = new Rng(seed);
    // 1 to 64 channels: every tile width (8, 16 and 32 columns, 2 to 8 registers per lane on SwiftShader)
    for (const c of CONV3D_EDGE_CASES) await check(c, rng);
    expect(codes.some((c) => c.includes('subgroupShuffle'))).toBe(true);
    expect(codes.some((c) => c.includes('var<workgroup> Bs'))).toBe(false);
  });

  it('match the cpu backend on random problems', async () => {
    if (!ready || !adapterHasSubgroups) return expect.soft(why || 'adapter without subgroups').toBe('');
    const rng = new Rng(seed ^ 0x5b9);
    for (let i = 0; i < 6; i++) await check(randomConv3DCase(rng, 8, 40), rng);
  });

  it('read columns no lane holds directly when subgroups are smaller than the stated minimum', async () => {
    if (!ready || !adapterHasSubgroups) return expect.soft(why || 'adapter without subgroups').toBe('');
    // claiming subgroups of at least 16 while SwiftShader runs 4: lanes hold 8 of 32 columns
    const c: Conv3DCase = { batch: 1, inShape: [5, 4, 6], inC: 7, outC: 30, k: [3, 3, 3], stride: 1, pad: 'same' };
    const ops = randomOperands(new Rng(seed ^ 0x16), c);
    await tf.setBackend('cpu');
    const want = await runConv3DKernel(tf, 'Conv3D', c, ops);
    await tf.setBackend('webgpu');
    const backend = tf.backend() as WebGPUBackend;
    const x = tf.tensor(ops.x, [c.batch, ...c.inShape, c.inC]);
    const w = tf.tensor(ops.filter, [...c.k, c.inC, c.outC]);
    const info = tf.backend_util.computeConv3DInfo(x.shape as never, w.shape as never, 1, 1, c.pad);
    const g = convGeometry(info);
    const program = new Conv3DGemmProgram(g, device().limits.maxComputeWorkgroupsPerDimension, { minSize: 16 });
    const out = backend.runWebGPUProgram(program, [x, w], 'float32', gemmUniformData(g, program.gemm));
    const y = tf.engine().makeTensorFromTensorInfo(out);
    const got = (await y.data()) as Float32Array;
    tf.dispose([x, w, y]);
    expect(got.length).toBe(outShapeOf(c).reduce((a, b) => a * b, 1));
    expect(relativeError(got, want), `${describeCase(c)} (seed ${seed})`).toBeLessThan(1e-4);
  });
});

describe('fallback without subgroups', () => {
  it("uses tfjs's own backend, with the reason, when no device with features can be made", async () => {
    if (!ready) return expect.soft(why).toBe('');
    restoreStockWebgpuBackend(tf);
    const reg = registerWebgpuBackendWithFeatures(tf, { gpu: { requestAdapter: async () => null } });
    expect(reg.registered).toBe(true);
    expect(await tf.setBackend('webgpu')).toBe(true);
    expect(webgpuFeatureReport()).toMatchObject({ withFeatures: false, reason: expect.stringMatching(/no WebGPU adapter/) });
    expect(webgpuDeviceFeatures(device()).subgroups).toBe(false);
  });

  it("runs the plain kernels under 'auto' and refuses 'on'", async () => {
    if (!ready) return expect.soft(why).toBe('');
    const codes = recordShaders(device());
    registerFastKernels(tf, 'webgpu', { enabled: true, subgroups: 'auto' });
    await check({ batch: 1, inShape: [5, 6, 3], inC: 3, outC: 12, k: [3, 3, 3], stride: 2, pad: 'same' }, new Rng(seed ^ 0xfa11));
    expect(codes.some((c) => c.includes('var<workgroup> Bs'))).toBe(true);
    expect(codes.some((c) => c.includes('subgroup'))).toBe(false);
    registerFastKernels(tf, 'webgpu', { enabled: true, subgroups: 'on' });
    const c: Conv3DCase = { batch: 1, inShape: [3, 3, 3], inC: 2, outC: 2, k: [1, 1, 1], stride: 1, pad: 'same' };
    await expect(runConv3DKernel(tf, 'Conv3D', c, randomOperands(new Rng(1), c))).rejects.toThrow(/cannot run the subgroup kernels/);
  });
});
