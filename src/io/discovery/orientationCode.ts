import type { Mat4 } from '../../core/types/volume.ts';

/**
 * Axis codes of a RAS+ affine as nibabel's aff2axcodes gives them: for each voxel axis,
 * the world direction it points to ("RAS", "LPS", "LAS", ...).
 */
export function orientationCode(affine: Mat4): string {
  const letters = [['L', 'R'], ['P', 'A'], ['I', 'S']] as const;
  let code = '';
  const used = new Set<number>();
  for (let c = 0; c < 3; c++) {
    let best = -1;
    let bestAbs = -1;
    for (let r = 0; r < 3; r++) {
      const v = Math.abs(affine[4 * r + c]!);
      if (!used.has(r) && v > bestAbs) {
        best = r;
        bestAbs = v;
      }
    }
    used.add(best);
    code += letters[best]![affine[4 * best + c]! >= 0 ? 1 : 0];
  }
  return code;
}
