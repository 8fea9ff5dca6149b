import { describe, expect, it } from 'vitest';
import { diagonalAffine } from '../types/volume.ts';
import { regionVolumes } from './regionVolumes.ts';

describe('regionVolumes', () => {
  it('counts each region in mL, nested (ET within TC within WT), label 3 as 4', () => {
    // 1 mm x 2 mm x 5 mm voxels: 10 mm^3 = 0.01 mL each
    const labels = new Uint8Array([0, 1, 1, 2, 2, 2, 4, 3, 0, 0]);
    const v = regionVolumes(labels, diagonalAffine([1, 2, 5]));
    expect(v.ET).toBeCloseTo(0.02, 10);
    expect(v.TC).toBeCloseTo(0.04, 10);
    expect(v.WT).toBeCloseTo(0.07, 10);
  });

  it('measures an oblique, flipped grid by its determinant; an empty mask is 0', () => {
    const c = Math.cos(0.4);
    const s = Math.sin(0.4);
    // rotated about z, x flipped, 2 mm isotropic: 8 mm^3 per voxel
    const affine = [-2 * c, -2 * s, 0, 10, 2 * s * -1, 2 * c, 0, 20, 0, 0, 2, 30, 0, 0, 0, 1];
    expect(regionVolumes(new Uint8Array([2, 2, 2, 2, 2]), affine).WT).toBeCloseTo(0.04, 10);
    expect(regionVolumes(new Uint8Array(8), affine)).toEqual({ ET: 0, TC: 0, WT: 0 });
  });
});
