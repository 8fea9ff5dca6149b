import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Dims3 } from '../types/volume.ts';
import { Rng } from '../util/rng.ts';
import { readNifti } from '../../io/nifti/readNifti.ts';
import { dice } from './dice.ts';
import { HD95_MAX_MM, regionMetrics } from './regionMetrics.ts';
import { hd95, percentile, surfaceDistances } from './surfaceDistances.ts';
import { sharedData } from '../../node/sharedData.ts';

function box(dims: Dims3, lo: readonly number[], hi: readonly number[], value = 1): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = lo[2]!; k <= hi[2]!; k++) for (let j = lo[1]!; j <= hi[1]!; j++) for (let i = lo[0]!; i <= hi[0]!; i++) m[i + dims[0] * (j + dims[1] * k)] = value;
  return m;
}

/** medpy's definition, by brute force: surface = mask voxels with a 6-neighbour outside the mask or grid. */
function bruteSurfaceDistances(a: Uint8Array, b: Uint8Array, dims: Dims3, s: readonly number[]): number[] {
  const [nx, ny, nz] = dims;
  const surface = (m: Uint8Array) => {
    const pts: number[][] = [];
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if (!m[i + nx * (j + ny * k)]) continue;
      const at = (x: number, y: number, z: number) => x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz && m[x + nx * (y + ny * z)];
      if (!(at(i - 1, j, k) && at(i + 1, j, k) && at(i, j - 1, k) && at(i, j + 1, k) && at(i, j, k - 1) && at(i, j, k + 1))) pts.push([i, j, k]);
    }
    return pts;
  };
  const sa = surface(a);
  const sb = surface(b);
  const near = (p: number[], set: number[][]) => Math.min(...set.map((q) => Math.hypot((p[0]! - q[0]!) * s[0]!, (p[1]! - q[1]!) * s[1]!, (p[2]! - q[2]!) * s[2]!)));
  return [...sa.map((p) => near(p, sb)), ...sb.map((p) => near(p, sa))];
}

describe('dice', () => {
  it('is 2|A∩B|/(|A|+|B|) on hand-made masks', () => {
    const dims: Dims3 = [10, 10, 10];
    const a = box(dims, [0, 0, 0], [3, 3, 3]); // 64 voxels
    const b = box(dims, [2, 0, 0], [5, 3, 3]); // 64 voxels, overlap 32
    expect(dice(a, b)).toBeCloseTo(0.5, 12);
    expect(dice(a, a)).toBe(1);
    expect(dice(new Uint8Array(5), new Uint8Array(5))).toBe(1);
  });
});

describe('hd95 and surface distances', () => {
  it('single voxels: the distance between them, in mm with anisotropic spacing', () => {
    const dims: Dims3 = [8, 8, 8];
    const a = box(dims, [0, 0, 0], [0, 0, 0]);
    const b = box(dims, [3, 4, 0], [3, 4, 0]);
    expect(hd95(a, b, dims, [1, 1, 1])).toBeCloseTo(5, 6);
    expect(hd95(a, b, dims, [2, 1, 1])).toBeCloseTo(Math.sqrt(52), 5);
    expect(hd95(a, new Uint8Array(a.length), dims, [1, 1, 1])).toBeNull();
  });

  it('a cube against the same cube shifted by 2 voxels along x at 1.5 mm', () => {
    const dims: Dims3 = [16, 12, 12];
    const a = box(dims, [2, 2, 2], [7, 7, 7]);
    const b = box(dims, [4, 2, 2], [9, 7, 7]);
    const d = surfaceDistances(a, b, dims, [1.5, 1, 1])!;
    // faces perpendicular to x are 2 voxels (3 mm) away; some surface voxels coincide
    expect(Math.max(...d)).toBeCloseTo(3, 5);
    expect(hd95(a, b, dims, [1.5, 1, 1])).toBeCloseTo(3, 5);
  });

  it('matches a brute-force computation on random blobs, including blobs touching the grid edge', () => {
    const rng = new Rng(3);
    const dims: Dims3 = [14, 11, 9];
    for (let trial = 0; trial < 6; trial++) {
      const a = new Uint8Array(dims[0] * dims[1] * dims[2]);
      const b = new Uint8Array(a.length);
      for (const m of [a, b]) {
        const c = [rng.uniform(0, 14), rng.uniform(0, 11), rng.uniform(0, 9)];
        const r = rng.uniform(2, 5);
        for (let k = 0; k < 9; k++) for (let j = 0; j < 11; j++) for (let i = 0; i < 14; i++) {
          if (Math.hypot(i - c[0]!, j - c[1]!, (k - c[2]!) * 1.3) < r + rng.uniform(-0.7, 0.7)) m[i + 14 * (j + 11 * k)] = 1;
        }
        m[rng.int(0, m.length)] = 1;
      }
      const spacing = [0.9, 1.1, 2] as const;
      const want = bruteSurfaceDistances(a, b, dims, spacing).sort((x, y) => x - y);
      const got = [...surfaceDistances(a, b, dims, spacing)!].sort((x, y) => x - y);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 4));
    }
  });

  it('percentile interpolates linearly as numpy does', () => {
    expect(percentile(Float64Array.from([1, 2, 3, 4, 5]), 95)).toBeCloseTo(4.8, 12);
    expect(percentile(Float64Array.from([0, 10]), 95)).toBeCloseTo(9.5, 12);
  });
});

describe('regionMetrics', () => {
  const dims: Dims3 = [12, 12, 12];
  it('follows the BraTS conventions for empty regions', () => {
    const empty = new Uint8Array(12 ** 3);
    const oedemaOnly = box(dims, [3, 3, 3], [6, 6, 6], 2);
    expect(regionMetrics(empty, empty, dims, [1, 1, 1])).toEqual({ dice: { ET: 1, TC: 1, WT: 1 }, hd95: { ET: 0, TC: 0, WT: 0 } });
    const m = regionMetrics(oedemaOnly, empty, dims, [1, 1, 1]);
    expect(m.dice).toEqual({ ET: 1, TC: 1, WT: 0 });
    expect(m.hd95).toEqual({ ET: 0, TC: 0, WT: HD95_MAX_MM });
    expect(HD95_MAX_MM).toBeCloseTo(Math.hypot(240, 240, 155), 3);
  });

  it('builds nested regions from labels, reading 3 as 4', () => {
    const truth = box(dims, [2, 2, 2], [9, 9, 9], 2);
    const core = box(dims, [4, 4, 4], [7, 7, 7], 1);
    const et = box(dims, [5, 5, 5], [6, 6, 6], 4);
    for (let p = 0; p < truth.length; p++) truth[p] = et[p] || core[p] || truth[p]!;
    const pred = truth.map((v) => (v === 4 ? 3 : v));
    const m = regionMetrics(truth, pred, dims, [1, 1, 1]);
    expect(m.dice).toEqual({ ET: 1, TC: 1, WT: 1 });
    expect(m.hd95).toEqual({ ET: 0, TC: 0, WT: 0 });
    // prediction: the whole tumour shifted one voxel in y
    const shifted = new Uint8Array(truth.length);
    for (let k = 0; k < 12; k++) for (let j = 1; j < 12; j++) for (let i = 0; i < 12; i++) shifted[i + 12 * (j + 12 * k)] = truth[i + 12 * (j - 1 + 12 * k)]!;
    const s = regionMetrics(truth, shifted, dims, [1, 2, 1]);
    expect(s.dice.WT).toBeCloseTo((2 * 7 * 8 * 8) / (2 * 512), 12);
    expect(s.dice.ET).toBeCloseTo(0.5, 12);
    expect(s.hd95.WT).toBeCloseTo(2, 6);
  });

  it('rejects volumes of the wrong size', () => {
    expect(() => regionMetrics(new Uint8Array(5), new Uint8Array(1728), dims, [1, 1, 1])).toThrow(/expected 1728 voxels/);
  });

  it('reproduces the published Dice of the real BraTS case (FeTS supplement) and scipy/medpy HD95', () => {
    const dir = sharedData('brats', 'BraTS19_TCIA08_105_1_seg_');
    const read = (name: string) => readNifti(readFileSync(`${dir}${name}.nii.gz`), `${name}.nii.gz`);
    const truth = read('GroundTruth');
    const expected = {
      PIM: { dice: { ET: 0.881, TC: 0.934, WT: 0.904 }, hd95: { ET: Math.SQRT2, TC: Math.sqrt(10), WT: Math.sqrt(30) } },
      Consensus: { dice: { ET: 0.919, TC: 0.958, WT: 0.908 }, hd95: { ET: 1, TC: 2, WT: Math.sqrt(14) } },
    };
    for (const [name, want] of Object.entries(expected)) {
      const pred = read(name);
      const m = regionMetrics(truth.data as Uint8Array, pred.data as Uint8Array, truth.dims, truth.spacing);
      for (const r of ['ET', 'TC', 'WT'] as const) {
        expect(m.dice[r].toFixed(3)).toBe(want.dice[r].toFixed(3));
        expect(m.hd95[r]).toBeCloseTo(want.hd95[r], 6);
      }
    }
  });
});
