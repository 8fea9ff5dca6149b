import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { installNodeWebgpu } from '../node/nodeWebgpu.ts';
import { gpuLostMessage, watchGpuFaults, type DeviceLostInfo, type GpuFaultWatch } from './watchGpuFaults.ts';

/** a device without error scopes, as the watcher sees it: a lost promise, and an EventTarget for uncaptured errors */
function device() {
  let lose: (info: DeviceLostInfo) => void = () => undefined;
  const target = new EventTarget();
  const dev = Object.assign(target, { lost: new Promise<DeviceLostInfo>((resolve) => (lose = resolve)) });
  const raise = (error: Error): void => {
    target.dispatchEvent(Object.assign(new Event('uncapturederror'), { error }));
  };
  return { backend: { device: dev }, lose, raise };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

class GPUOutOfMemoryError extends Error {}
class GPUValidationError extends Error {}

const watches: GpuFaultWatch[] = [];
const watch = (...args: Parameters<typeof watchGpuFaults>): GpuFaultWatch | undefined => {
  const w = watchGpuFaults(...args);
  if (w) watches.push(w);
  return w;
};
afterAll(() => watches.forEach((w) => w.close()));

describe('watchGpuFaults', () => {
  it('calls back once the device is lost, with the reason in words, and only once', async () => {
    const d = device();
    const seen: string[] = [];
    expect(watch(d.backend, (m) => seen.push(m))).toBeDefined();
    await settle();
    expect(seen).toEqual([]);
    d.lose({ reason: 'unknown', message: 'GPU process crashed' });
    await settle();
    d.raise(new GPUValidationError('later'));
    expect(seen).toEqual(['the GPU stopped working (the device was lost: GPU process crashed)']);
  });

  it('calls back on an uncaptured error: out of memory, or any other (results undefined)', async () => {
    const oom = device();
    const seen: string[] = [];
    watch(oom.backend, (m) => seen.push(m));
    oom.raise(new GPUOutOfMemoryError('buffer of 2 GB'));
    expect(seen).toEqual(['the GPU ran out of memory: buffer of 2 GB; close other programs that use the GPU, or take part from a machine with more GPU memory']);
    const invalid = device();
    watch(invalid.backend, (m) => seen.push(m));
    invalid.raise(new GPUValidationError('binding too large'));
    expect(seen[1]).toBe('the GPU reported an error (GPUValidationError: binding too large), so its results cannot be trusted');
  });

  it('does not watch a backend without a device (wasm, cpu)', () => {
    expect(watchGpuFaults({}, () => undefined)).toBeUndefined();
    expect(watchGpuFaults(null, () => undefined)).toBeUndefined();
    expect(gpuLostMessage({ reason: 'destroyed', message: '' })).toBe('the GPU stopped working (its device was closed)');
  });
});

/** a real device: Dawn in Node (SwiftShader without a GPU) */
describe('watchGpuFaults on a real WebGPU device', () => {
  let gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<GPUDeviceLike> } | null> } | undefined;
  let why = '';
  interface GPUDeviceLike {
    createBuffer(d: { size: number; usage: number }): unknown;
    destroy(): void;
  }
  beforeAll(async () => {
    const r = await installNodeWebgpu();
    if (r.ok) gpu = (globalThis as unknown as { navigator: { gpu: typeof gpu } }).navigator.gpu;
    else why = r.detail;
  });
  const fresh = async (): Promise<GPUDeviceLike> => (await (await gpu!.requestAdapter())!.requestDevice());
  // MAP_READ with STORAGE: a validation error, reported asynchronously
  const invalidBuffer = (d: GPUDeviceLike) => d.createBuffer({ size: 16, usage: 0x1 | 0x80 });

  it('settled() reports an error of a command issued before it, with no wait, and not one issued after', async () => {
    if (!gpu) return expect.soft(why).toBe('');
    const d = await fresh();
    const seen: string[] = [];
    const w = watch({ device: d }, (m) => seen.push(m), { checkEveryMs: 60_000 })!;
    d.createBuffer({ size: 16, usage: 0x1 | 0x8 });
    await w.settled();
    expect(seen).toEqual([]);
    invalidBuffer(d);
    const before = w.settled();
    invalidBuffer(d);
    await before;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^the GPU reported an error \(GPUValidationError: .*MapRead.*\), so its results cannot be trusted$/s);
    d.destroy();
  });

  it('finds an error within checkEveryMs without being asked, and a destroyed device', async () => {
    if (!gpu) return expect.soft(why).toBe('');
    const d = await fresh();
    const seen: string[] = [];
    watch({ device: d }, (m) => seen.push(m), { checkEveryMs: 20 });
    invalidBuffer(d);
    await expect.poll(() => seen.length, { timeout: 2000 }).toBe(1);
    const lost: string[] = [];
    const d2 = await fresh();
    watch({ device: d2 }, (m) => lost.push(m), { checkEveryMs: 20 });
    d2.destroy();
    await expect.poll(() => lost.length, { timeout: 2000 }).toBe(1);
    expect(lost[0]).toMatch(/^the GPU stopped working \(its device was closed/);
    d.destroy();
  });

  it("watches TF.js's own device: its work checks clean, an error on that device does not", async () => {
    if (!gpu) return expect.soft(why).toBe('');
    await import('@tensorflow/tfjs-backend-webgpu');
    expect(await tf.setBackend('webgpu')).toBe(true);
    const seen: string[] = [];
    const w = watch(tf.backend(), (m) => seen.push(m), { checkEveryMs: 60_000 })!;
    expect(w).toBeDefined();
    const sum = tf.tidy(() => tf.sum(tf.add(tf.ones([64, 64]), tf.ones([64, 64]))));
    expect(await sum.data()).toEqual(new Float32Array([8192]));
    sum.dispose();
    await w.settled();
    expect(seen).toEqual([]);
    invalidBuffer((tf.backend() as unknown as { device: GPUDeviceLike }).device);
    await w.settled();
    expect(seen).toHaveLength(1);
  });
});
