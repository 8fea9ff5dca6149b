import { describe, expect, it } from 'vitest';
import { axisAlong, indexAlong, lpsGeometry, voxelToWorld } from './lpsGeometry.ts';

describe('lpsGeometry', () => {
  it('negates x and y of a RAS affine and splits it into origin, spacing and unit directions', () => {
    // voxel i runs towards L (-R) by 2 mm, j towards A by 1 mm, k towards S by 3 mm
    const affine = [-2, 0, 0, 10, 0, 1, 0, -20, 0, 0, 3, 5, 0, 0, 0, 1];
    const g = lpsGeometry(affine);
    expect(g.origin).toEqual([-10, 20, 5]);
    expect(g.spacing).toEqual([2, 1, 3]);
    expect(g.direction).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(voxelToWorld(g, [1, 2, 3])).toEqual([-8, 18, 14]);
  });

  it('finds the voxel axis along a view normal and the slice through a world point', () => {
    const g = lpsGeometry([0, 2, 0, 0, 0, 0, 1, 0, 1.5, 0, 0, 0, 0, 0, 0, 1]); // i -> S, j -> R, k -> A
    expect(axisAlong(g, [0, 0, 1])).toBe(0); // axial normal (LPS z)
    expect(axisAlong(g, [1, 0, 0])).toBe(1); // sagittal normal
    expect(axisAlong(g, [0, -1, 0])).toBe(2); // coronal normal
    const w = voxelToWorld(g, [4, 7, 9]);
    expect([0, 1, 2].map((a) => indexAlong(g, a, w))).toEqual([4, 7, 9]);
  });
});
