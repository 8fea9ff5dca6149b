import { inRegion } from '../types/labels.ts';

/**
 * Region targets [voxels, 3] (ET, TC, WT; 1 inside, 0 outside) from a BraTS label
 * volume {0, 1, 2, 4} (3 reads as 4), written into `out` at `offset` voxels.
 */
export function regionTargets(labels: ArrayLike<number>, out?: Float32Array, offset = 0): Float32Array {
  const t = out ?? new Float32Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] ?? 0;
    const o = (offset + i) * 3;
    t[o] = inRegion(v, 'ET') ? 1 : 0;
    t[o + 1] = inRegion(v, 'TC') ? 1 : 0;
    t[o + 2] = inRegion(v, 'WT') ? 1 : 0;
  }
  return t;
}
