/**
 * Orientation of a grid: which world direction each voxel axis points to, as the
 * three-letter codes nibabel's aff2axcodes gives ("RAS": i towards Right, j towards
 * Anterior, k towards Superior; "LPS" is DICOM's usual order). Oblique axes are assigned
 * to the closest world axis, greedily by largest cosine, so that no two voxel axes share
 * one world axis.
 */
import type { Mat4 } from '../types/volume.ts';

const POSITIVE = ['R', 'A', 'S'] as const;
const NEGATIVE = ['L', 'P', 'I'] as const;

export interface AxisAssignment {
  /** world axis (0 x, 1 y, 2 z) of each voxel axis i, j, k */
  readonly worldAxis: readonly [number, number, number];
  /** +1 when the voxel axis points along the world axis's positive direction, else -1 */
  readonly sign: readonly [number, number, number];
}

export function axisAssignment(affine: Mat4): AxisAssignment {
  const cos: number[][] = [0, 1, 2].map((c) => {
    const v = [affine[c]!, affine[4 + c]!, affine[8 + c]!];
    const l = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
    return v.map((x) => x / l);
  });
  const worldAxis = [-1, -1, -1];
  const sign = [1, 1, 1];
  const usedWorld = [false, false, false];
  for (let round = 0; round < 3; round++) {
    let best = -1;
    let bc = -1;
    let bw = -1;
    for (let c = 0; c < 3; c++) {
      if (worldAxis[c] !== -1) continue;
      for (let w = 0; w < 3; w++) {
        if (usedWorld[w]) continue;
        const a = Math.abs(cos[c]![w]!);
        if (a > best) {
          best = a;
          bc = c;
          bw = w;
        }
      }
    }
    worldAxis[bc] = bw;
    usedWorld[bw] = true;
    sign[bc] = cos[bc]![bw]! < 0 ? -1 : 1;
  }
  return { worldAxis: worldAxis as [number, number, number], sign: sign as [number, number, number] };
}

/** "RAS", "LPS", "LAS", "ASR"... for the voxel axes i, j, k of an affine (RAS+ world). */
export function orientationCode(affine: Mat4): string {
  const { worldAxis, sign } = axisAssignment(affine);
  return worldAxis.map((w, c) => (sign[c]! > 0 ? POSITIVE[w]! : NEGATIVE[w]!)).join('');
}
