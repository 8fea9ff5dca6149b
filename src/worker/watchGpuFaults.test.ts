import { describe, expect, it } from 'vitest';
import { gpuLostMessage, watchGpuFaults, type DeviceLostInfo } from './watchGpuFaults.ts';

/** a device as the watcher sees it: a lost promise, and an EventTarget for uncaptured errors */
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

describe('watchGpuFaults', () => {
  it('calls back once the device is lost, with the reason in words, and only once', async () => {
    const d = device();
    const seen: string[] = [];
    expect(watchGpuFaults(d.backend, (m) => seen.push(m))).toBe(true);
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
    watchGpuFaults(oom.backend, (m) => seen.push(m));
    oom.raise(new GPUOutOfMemoryError('buffer of 2 GB'));
    expect(seen).toEqual(['the GPU ran out of memory: buffer of 2 GB; close other programs that use the GPU, or take part from a machine with more GPU memory']);
    const invalid = device();
    watchGpuFaults(invalid.backend, (m) => seen.push(m));
    invalid.raise(new GPUValidationError('binding too large'));
    expect(seen[1]).toBe('the GPU reported an error (GPUValidationError: binding too large), so its results cannot be trusted');
  });

  it('does not watch a backend without a device (wasm, cpu)', () => {
    expect(watchGpuFaults({}, () => undefined)).toBe(false);
    expect(watchGpuFaults(null, () => undefined)).toBe(false);
    expect(gpuLostMessage({ reason: 'destroyed', message: '' })).toBe('the GPU stopped working (its device was closed)');
  });
});
