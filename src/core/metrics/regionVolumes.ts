/**
 * Tumour volumes as a radiologist reports them: millilitres of each region (ET, TC, WT)
 * of a BraTS label map, from the voxel count and the voxel's volume (the affine's
 * determinant, so oblique and anisotropic grids are measured right).
 */
import { det3 } from '../geometry/mat4.ts';
import { REGIONS, inRegion, type Region } from '../types/labels.ts';
import type { Mat4 } from '../types/volume.ts';

/** mL per region; label 3 is read as 4 */
export function regionVolumes(labels: ArrayLike<number>, affine: Mat4): Record<Region, number> {
  const voxelMl = Math.abs(det3(affine)) / 1000;
  const counts: Record<Region, number> = { ET: 0, TC: 0, WT: 0 };
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v === 0) continue;
    for (const r of REGIONS) if (inRegion(v, r)) counts[r]++;
  }
  return { ET: counts.ET * voxelMl, TC: counts.TC * voxelMl, WT: counts.WT * voxelMl };
}
