import { describe, expect, it } from 'vitest';
import { gpuLostMessage, watchGpuLoss, type DeviceLostInfo } from './watchGpuLoss.ts';

describe('watchGpuLoss', () => {
  it('calls back once the device is lost, with the reason in words', async () => {
    let lose: (info: DeviceLostInfo) => void = () => undefined;
    const backend = { device: { lost: new Promise<DeviceLostInfo>((resolve) => (lose = resolve)) } };
    const seen: string[] = [];
    expect(watchGpuLoss(backend, (m) => seen.push(m))).toBe(true);
    await Promise.resolve();
    expect(seen).toEqual([]);
    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(['the GPU stopped working (the device was lost: GPU process crashed)']);
  });

  it('does not watch a backend without a device (wasm, cpu)', () => {
    expect(watchGpuLoss({}, () => undefined)).toBe(false);
    expect(watchGpuLoss(null, () => undefined)).toBe(false);
    expect(gpuLostMessage({ reason: 'destroyed', message: '' })).toBe('the GPU stopped working (its device was closed)');
  });
});
