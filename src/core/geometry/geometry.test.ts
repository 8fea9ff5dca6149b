import { describe, expect, it } from 'vitest';
import type { Dims3, Volume } from '../types/volume.ts';
import { Rng } from '../util/rng.ts';
import { IDENTITY, applyToPoint, invertAffine, lpsToRas, multiply, rasToLps, voxelSpacing } from './mat4.ts';
import { orientationCode } from './orientation.ts';
import { canonicalReorientation, reorientToCanonical, unreorientData } from './reorient.ts';
import { resampleToGrid } from './resampleToGrid.ts';

function rotation(ax: number, ay: number, az: number): number[] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = [1, 0, 0, 0, 0, cx, -sx, 0, 0, sx, cx, 0, 0, 0, 0, 1];
  const ry = [cy, 0, sy, 0, 0, 1, 0, 0, -sy, 0, cy, 0, 0, 0, 0, 1];
  const rz = [cz, -sz, 0, 0, sz, cz, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  return multiply(rz, multiply(ry, rx));
}

/** An affine whose voxel axes are a permutation of the world axes, with signs and spacing. */
function axisAffine(perm: number[], signs: number[], spacing: number[], origin: number[]): number[] {
  const m = [0, 0, 0, origin[0]!, 0, 0, 0, origin[1]!, 0, 0, 0, origin[2]!, 0, 0, 0, 1];
  for (let c = 0; c < 3; c++) m[4 * perm[c]! + c] = signs[c]! * spacing[c]!;
  return m;
}

function close(a: readonly number[], b: readonly number[], digits = 9): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, digits));
}

describe('mat4', () => {
  it('inverts affines and applies them', () => {
    const a = multiply(rotation(0.3, -0.2, 1.1), [2, 0, 0, 5, 0, 0.5, 0, -3, 0, 0, 3, 7, 0, 0, 0, 1]);
    close(multiply(a, invertAffine(a)), IDENTITY);
    const p = applyToPoint(a, [1, 2, 3]);
    close(applyToPoint(invertAffine(a), p), [1, 2, 3]);
    close(voxelSpacing(a), [2, 0.5, 3]);
    expect(() => invertAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/invertible/);
  });

  it('converts between LPS and RAS by negating x and y', () => {
    const lps = [1, 0, 0, 44.6, 0, 1, 0, -139.7, 0, 0, 1, 131.8, 0, 0, 0, 1];
    const ras = lpsToRas(lps);
    close(applyToPoint(ras, [0, 0, 0]), [-44.6, 139.7, 131.8]);
    close(rasToLps(ras), lps);
  });
});

describe('orientationCode', () => {
  it('names axis orders as nibabel does', () => {
    expect(orientationCode(IDENTITY)).toBe('RAS');
    expect(orientationCode([-1, 0, 0, 0, 0, -1, 0, 239, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('LPS');
    expect(orientationCode(axisAffine([1, 2, 0], [1, -1, -1], [1, 1, 1], [0, 0, 0]))).toBe('AIL');
    expect(orientationCode(axisAffine([0, 2, 1], [-1, 1, -1], [2, 1, 3], [0, 0, 0]))).toBe('LSP');
    // slightly oblique axial: still RAS
    expect(orientationCode(multiply(rotation(0.1, 0.05, -0.2), IDENTITY))).toBe('RAS');
  });
});

describe('reorientToCanonical', () => {
  it('permutes and flips to RAS exactly, every voxel keeping its world position, and inverts', () => {
    const rng = new Rng(8);
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const perm of perms) {
      const signs = [rng.next() < 0.5 ? -1 : 1, rng.next() < 0.5 ? -1 : 1, rng.next() < 0.5 ? -1 : 1];
      const dims: Dims3 = [3 + rng.int(0, 4), 3 + rng.int(0, 4), 3 + rng.int(0, 4)];
      const affine = multiply(rotation(0.1, -0.1, 0.15), axisAffine(perm, signs, [1.5, 2, 0.7], [10, -20, 30]));
      const data = Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, p) => p);
      const vol: Volume = { dims, spacing: voxelSpacing(affine), affine, data };
      const can = reorientToCanonical(vol);
      expect(orientationCode(can.affine)).toBe('RAS');
      // voxel n of the new grid holds old voxel data[n]: both positions must coincide
      for (let n = 0; n < can.data.length; n += 7) {
        const o = can.data[n]!;
        const oi = [o % dims[0], Math.floor(o / dims[0]) % dims[1], Math.floor(o / (dims[0] * dims[1]))] as const;
        const ni = [n % can.dims[0], Math.floor(n / can.dims[0]) % can.dims[1], Math.floor(n / (can.dims[0] * can.dims[1]))] as const;
        close(applyToPoint(can.affine, ni), applyToPoint(affine, oi), 9);
      }
      expect(unreorientData(can.data, dims, canonicalReorientation(affine))).toEqual(data);
    }
  });
});

describe('resampleToGrid', () => {
  const dims: Dims3 = [10, 9, 8];
  const affine = [1.2, 0, 0, -5, 0, 0.9, 0, 3, 0, 0, 2, 1, 0, 0, 0, 1];
  const f = (x: number, y: number, z: number) => 3 * x - 2 * y + 0.5 * z + 7;
  const data = new Float32Array(10 * 9 * 8);
  for (let k = 0; k < 8; k++) for (let j = 0; j < 9; j++) for (let i = 0; i < 10; i++) {
    const w = applyToPoint(affine, [i, j, k]);
    data[i + 10 * (j + 9 * k)] = f(w[0], w[1], w[2]);
  }
  const vol: Volume = { dims, spacing: voxelSpacing(affine), affine, data };

  it('copies exactly onto the same grid, both modes', () => {
    expect(resampleToGrid(vol, dims, affine, 'linear').data).toEqual(data);
    expect(resampleToGrid(vol, dims, affine, 'nearest').data).toEqual(data);
  });

  it('reproduces a linear function on a rotated finer grid inside the source (trilinear is exact for linear functions)', () => {
    const target = multiply([1, 0, 0, -1.5, 0, 1, 0, 5, 0, 0, 1, 6, 0, 0, 0, 1], multiply(rotation(0.2, 0.1, -0.3), [0.7, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 1]));
    const tdims: Dims3 = [6, 5, 4];
    const out = resampleToGrid(vol, tdims, target, 'linear');
    expect(out.data).toBeInstanceOf(Float32Array);
    for (let k = 0; k < 4; k++) for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) {
      const w = applyToPoint(target, [i, j, k]);
      expect(out.data[i + 6 * (j + 5 * k)]).toBeCloseTo(f(w[0], w[1], w[2]), 3);
    }
  });

  it('nearest keeps labels and their type; outside the source is 0', () => {
    const labels = new Uint8Array(data.length).map((_, p) => [0, 1, 2, 4][p % 4]!);
    const lv = { ...vol, data: labels };
    const shifted = [1.2, 0, 0, -5 + 1.2 * 3, 0, 0.9, 0, 3, 0, 0, 2, 1, 0, 0, 0, 1];
    const out = resampleToGrid(lv, dims, shifted, 'nearest');
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect(out.data[0]).toBe(labels[3]);
    expect(out.data[9]).toBe(0); // i = 9 maps to source i = 12: outside
  });

  it('is the exact inverse of a canonical reorientation when used with nearest', () => {
    const lps = axisAffine([0, 1, 2], [-1, -1, 1], [1, 1, 1], [0, 239, 0]);
    const labels = new Uint8Array(6 * 5 * 4).map((_, p) => p % 251);
    const v: Volume<Uint8Array> = { dims: [6, 5, 4], spacing: [1, 1, 1], affine: lps, data: labels };
    const can = reorientToCanonical(v);
    expect(resampleToGrid(can, v.dims, v.affine, 'nearest').data).toEqual(labels);
  });
});

