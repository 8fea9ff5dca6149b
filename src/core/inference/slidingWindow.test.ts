import { expect, it } from 'vitest';
import { windowStarts, windowWeights } from './slidingWindow.ts';

it('places overlapping windows that cover the axis, the last flush with the end', () => {
  expect(windowStarts(16, 16, 0.5)).toEqual([0]);
  expect(windowStarts(10, 16, 0.5)).toEqual([0]);
  expect(windowStarts(27, 16, 0.5)).toEqual([0, 8, 11]);
  expect(windowStarts(32, 16, 0.5)).toEqual([0, 8, 16]);
  expect(windowStarts(32, 16, 0)).toEqual([0, 16]);
});

it('weights the window centre most and never weights a voxel 0', () => {
  for (const mode of ['gaussian', 'linear'] as const) {
    const w = windowWeights(8, mode);
    const centre = w[3 + 8 * (3 + 8 * 3)]!;
    expect(centre).toBeCloseTo(1, 5);
    expect(w[0]).toBeGreaterThan(0);
    expect(w[0]).toBeLessThan(centre);
  }
});
