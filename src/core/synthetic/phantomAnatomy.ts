/**
 * The anatomy of a synthetic BraTS-like case: a skull-stripped brain (an ellipsoid with
 * a cortical grey-matter shell, white matter inside, sulcal CSF at the surface and two
 * ventricles) and a glioma with a necrotic core, an enhancing rim and surrounding
 * oedema. Tumour shapes are lumpy: each shell's radius varies with direction.
 */
import type { Rng } from '../util/rng.ts';
import { TISSUE_CODE } from './tissueContrasts.ts';

export interface PhantomAnatomy {
  readonly size: number;
  /** tissue code per voxel (see TISSUE_CODE), x fastest */
  readonly tissue: Uint8Array;
}

/** A direction-dependent radius factor 1 + sum a_m cos(w_m . u + phi_m), |sum a_m| <= amplitude. */
interface Lumps {
  readonly w: Float64Array; // 3 per term
  readonly a: Float64Array;
  readonly phi: Float64Array;
}

function makeLumps(rng: Rng, terms: number, amplitude: number): Lumps {
  const w = new Float64Array(terms * 3);
  const a = new Float64Array(terms);
  const phi = new Float64Array(terms);
  let total = 0;
  for (let m = 0; m < terms; m++) {
    const freq = rng.uniform(1.5, 3.5);
    w[3 * m] = rng.normal() * freq;
    w[3 * m + 1] = rng.normal() * freq;
    w[3 * m + 2] = rng.normal() * freq;
    a[m] = rng.uniform(0.3, 1);
    total += a[m]!;
    phi[m] = rng.uniform(0, 2 * Math.PI);
  }
  for (let m = 0; m < terms; m++) a[m] = (a[m]! / total) * amplitude;
  return { w, a, phi };
}

function lumpFactor(l: Lumps, ux: number, uy: number, uz: number): number {
  let f = 1;
  for (let m = 0; m < l.a.length; m++) {
    f += l.a[m]! * Math.cos(l.w[3 * m]! * ux + l.w[3 * m + 1]! * uy + l.w[3 * m + 2]! * uz + l.phi[m]!);
  }
  return f;
}

/**
 * Builds the tissue map of one case. `tumourRadius` is the tumour-core radius range in
 * mm (voxels are 1 mm); the radius is clamped so that the core fits inside the brain.
 */
export function phantomAnatomy(rng: Rng, size: number, tumourRadius: readonly [number, number]): PhantomAnatomy {
  const n = size;
  const c0 = (n - 1) / 2;
  // brain ellipsoid: centre and semi-axes (x: left-right, y: anterior-posterior, z: superior-inferior)
  const bc = [c0 + rng.uniform(-0.02, 0.02) * n, c0 + rng.uniform(-0.02, 0.02) * n, c0 + rng.uniform(-0.02, 0.02) * n];
  const br = [0.4 * n * rng.uniform(0.94, 1.04), 0.45 * n * rng.uniform(0.94, 1.04), 0.37 * n * rng.uniform(0.94, 1.04)];
  const brainLumps = makeLumps(rng, 4, 0.04);
  const cortexLumps = makeLumps(rng, 5, 0.25);
  const minBrain = Math.min(br[0]!, br[1]!, br[2]!);
  const cortex = Math.max(1.5, 0.09 * minBrain * 2); // grey-matter shell thickness, voxels
  const sulcal = Math.max(0.8, 0.04 * minBrain * 2); // CSF at the brain surface, voxels
  // ventricles: two ellipsoids either side of the midline
  const vr = [0.05 * n, 0.13 * n, 0.07 * n];
  const vOff = 0.07 * n;
  // tumour core radius, necrosis fraction, oedema extent
  const rMax = Math.max(2.2, 0.45 * minBrain);
  const rCore = Math.min(rMax, Math.max(2.2, rng.uniform(tumourRadius[0], tumourRadius[1])));
  const rNec = Math.max(1.1, rCore * rng.uniform(0.35, 0.6));
  const rCoreEff = Math.max(rCore, rNec + 1.3);
  const rOed = Math.max(rCoreEff + 1.6, rCoreEff * rng.uniform(1.35, 1.9));
  const coreLumps = makeLumps(rng, 3, 0.15);
  const oedLumps = makeLumps(rng, 4, 0.3);
  // tumour centre: inside the brain, away from its surface, off the midline
  const reach = Math.max(0, 1 - (rCoreEff * 1.2 + 1) / minBrain);
  let tc: number[] = [c0, c0, c0];
  for (let tries = 0; tries < 50; tries++) {
    const dir = [rng.normal(), rng.normal(), rng.normal()];
    const len = Math.hypot(dir[0]!, dir[1]!, dir[2]!) || 1;
    const t = reach * Math.cbrt(rng.next());
    tc = [0, 1, 2].map((a) => bc[a]! + (dir[a]! / len) * t * br[a]!);
    if (Math.abs(tc[0]! - bc[0]!) > 0.15 * br[0]! || tries === 49) break;
  }

  const tissue = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const dx = (i - bc[0]!) / br[0]!;
        const dy = (j - bc[1]!) / br[1]!;
        const dz = (k - bc[2]!) / br[2]!;
        const rn = Math.hypot(dx, dy, dz);
        const inv = rn > 0 ? 1 / rn : 0;
        const ux = dx * inv;
        const uy = dy * inv;
        const uz = dz * inv;
        const rb = lumpFactor(brainLumps, ux, uy, uz);
        if (rn >= rb) continue; // outside the brain (skull-stripped)
        // depth below the brain surface in voxels, approximately
        const depth = (rb - rn) * minBrain;
        const idx = i + n * (j + n * k);
        let t: number = TISSUE_CODE.white;
        if (depth < sulcal) t = TISSUE_CODE.csf;
        else if (depth < sulcal + cortex * lumpFactor(cortexLumps, ux, uy, uz)) t = TISSUE_CODE.grey;
        else {
          for (const side of [-1, 1]) {
            const vx = (i - (bc[0]! + side * vOff)) / vr[0]!;
            const vy = (j - bc[1]!) / vr[1]!;
            const vz = (k - bc[2]!) / vr[2]!;
            if (vx * vx + vy * vy + vz * vz < 1) t = TISSUE_CODE.csf;
          }
        }
        // tumour
        const tx = i - tc[0]!;
        const ty = j - tc[1]!;
        const tz = k - tc[2]!;
        const d = Math.hypot(tx, ty, tz);
        if (d < rOed * 1.35) {
          const di = d > 0 ? 1 / d : 0;
          const fc = lumpFactor(coreLumps, tx * di, ty * di, tz * di);
          if (d < rNec * fc) t = TISSUE_CODE.necrosis;
          else if (d < rCoreEff * fc) t = TISSUE_CODE.enhancing;
          else if (d < rOed * lumpFactor(oedLumps, tx * di, ty * di, tz * di) && t !== TISSUE_CODE.csf) {
            t = TISSUE_CODE.oedema;
          }
        }
        tissue[idx] = t;
      }
    }
  }
  return { size: n, tissue };
}
