import { describe, expect, it } from 'vitest';
import type { TrainingCase } from '../core/types/case.ts';
import { float32ToHalves } from '../core/util/halfFloat.ts';
import { withHalfImage } from './siteStore.ts';

describe('withHalfImage', () => {
  it('converts a case stored with a float32 image (fedseg before 2026-12) to halves, and leaves a current one as it is', () => {
    const values = [0, 1.5, -2.25, 3.14159];
    const old = { id: 'a', dims: [1, 1, 1], spacing: [1, 1, 1], image: Float32Array.from(values), label: new Uint8Array([2]) } as unknown as TrainingCase;
    const upgraded = withHalfImage(old);
    expect(upgraded.image).toBeInstanceOf(Uint16Array);
    expect(Array.from(upgraded.image)).toEqual(Array.from(float32ToHalves(values)));
    expect(upgraded.label).toBe(old.label);
    const current: TrainingCase = { ...old, image: float32ToHalves(values) };
    expect(withHalfImage(current)).toBe(current);
  });
});
