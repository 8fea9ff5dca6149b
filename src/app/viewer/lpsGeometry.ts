/**
 * The volume geometry Cornerstone3D wants (LPS world coordinates: origin, spacing and
 * one unit direction per voxel axis) from a NIfTI-style voxel -> RAS affine. LPS is RAS
 * with x and y negated. Pure functions.
 */
export type Vec3 = [number, number, number];

export interface LpsGeometry {
  readonly origin: Vec3;
  readonly spacing: Vec3;
  /** direction of voxel axis i, j, k, one after another (Cornerstone's Mat3 layout) */
  readonly direction: [number, number, number, number, number, number, number, number, number];
}

export function lpsGeometry(affine: readonly number[]): LpsGeometry {
  const sign = [-1, -1, 1];
  const col = (c: number): Vec3 => [0, 1, 2].map((r) => sign[r]! * affine[4 * r + c]!) as Vec3;
  const spacing: number[] = [];
  const direction: number[] = [];
  for (let c = 0; c < 3; c++) {
    const v = col(c);
    const n = Math.hypot(...v) || 1;
    spacing.push(n);
    direction.push(v[0] / n + 0, v[1] / n + 0, v[2] / n + 0); // + 0: no -0
  }
  return {
    origin: col(3).map((x) => x + 0) as Vec3,
    spacing: spacing as Vec3,
    direction: direction as LpsGeometry['direction'],
  };
}

/** World (LPS mm) position of voxel (i, j, k). */
export function voxelToWorld(g: LpsGeometry, ijk: readonly number[]): Vec3 {
  const out: Vec3 = [...g.origin];
  for (let a = 0; a < 3; a++) for (let d = 0; d < 3; d++) out[d] = out[d]! + ijk[a]! * g.spacing[a]! * g.direction[3 * a + d]!;
  return out;
}

/** The voxel axis most nearly along a direction (a view's plane normal). */
export function axisAlong(g: LpsGeometry, normal: readonly number[]): number {
  let best = 0;
  let bestDot = -1;
  for (let a = 0; a < 3; a++) {
    const dot = Math.abs(g.direction[3 * a]! * normal[0]! + g.direction[3 * a + 1]! * normal[1]! + g.direction[3 * a + 2]! * normal[2]!);
    if (dot > bestDot) { bestDot = dot; best = a; }
  }
  return best;
}

/** The (rounded) index along a voxel axis of the plane through a world point. */
export function indexAlong(g: LpsGeometry, axis: number, world: readonly number[]): number {
  let dot = 0;
  for (let d = 0; d < 3; d++) dot += (world[d]! - g.origin[d]!) * g.direction[3 * axis + d]!;
  return Math.round(dot / g.spacing[axis]!);
}
