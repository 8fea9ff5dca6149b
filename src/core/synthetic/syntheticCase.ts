/**
 * Seeded synthetic BraTS-like cases: four co-registered sequences (T1, T1Gd, T2, FLAIR)
 * of a skull-stripped brain with a glioma, and the BraTS label volume {0,1,2,4}. The
 * same seed and profile always give the same arrays. Sites differ through their
 * SiteProfile (protocol contrast, intensity scale, noise, bias field, resolution, tumour
 * sizes).
 * Voxels are 1 mm, the grid is `size`^3 in RAS orientation centred on the origin, and
 * voxels outside the brain are exactly 0 in every sequence (as in BraTS).
 */
import type { ImagingCase } from '../types/case.ts';
import { SEQUENCES, type Sequence } from '../types/sequences.ts';
import { diagonalAffine, type Volume } from '../types/volume.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { phantomAnatomy } from './phantomAnatomy.ts';
import { addNoise, biasField, degradeResolution } from './scannerEffects.ts';
import { protocolTissueContrasts } from './protocolContrast.ts';
import { SITE_PROFILES, type SiteProfile } from './siteProfiles.ts';
import { TISSUE_LABEL } from './tissueContrasts.ts';

export interface SyntheticCaseOptions {
  seed: number;
  /** voxels per side, default 32 (at 1 mm) */
  size?: number;
  /** the simulated scanner; default the first of SITE_PROFILES */
  profile?: SiteProfile;
  id?: string;
}

export function syntheticCase(opts: SyntheticCaseOptions): ImagingCase {
  const n = opts.size ?? 32;
  if (!Number.isInteger(n) || n < 8 || n > 256) {
    throw new FedsegError('SYNTHETIC_SIZE', `synthetic case size: expected an integer from 8 to 256, found ${n}`);
  }
  const profile = opts.profile ?? SITE_PROFILES[0]!;
  const rng = new Rng(opts.seed);
  const anatomy = phantomAnatomy(rng.fork(1), n, profile.tumourRadius);
  const { tissue } = anatomy;
  const count = n * n * n;
  const spacing = [1, 1, 1] as const;
  const affine = diagonalAffine(spacing, [-(n - 1) / 2, -(n - 1) / 2, -(n - 1) / 2]);

  const labels = new Uint8Array(count);
  for (let p = 0; p < count; p++) labels[p] = TISSUE_LABEL[tissue[p]!]!;

  // one bias field per case (same coil for every sequence), smooth texture per sequence
  const bias = biasField(rng.fork(2), n, profile.biasField);
  const images = {} as Record<Sequence, Volume>;
  const contrasts = protocolTissueContrasts(profile.protocol);
  SEQUENCES.forEach((seq, s) => {
    const seqRng = rng.fork(10 + s);
    const contrast = contrasts[seq];
    // a little per-case variation of each tissue's contrast
    const jitter = contrast.map(() => 1 + 0.04 * seqRng.normal());
    const v = new Float32Array(count);
    for (let p = 0; p < count; p++) {
      const t = tissue[p]!;
      v[p] = contrast[t]! * jitter[t]!;
    }
    degradeResolution(v, n, profile.resolution);
    addNoise(seqRng, v, profile.noise);
    const floor = 1e-3 * profile.intensityScale;
    for (let p = 0; p < count; p++) {
      if (tissue[p] === 0) {
        v[p] = 0;
        continue;
      }
      const val = v[p]! * bias[p]! * profile.intensityScale + profile.intensityOffset;
      v[p] = Math.max(floor, val);
    }
    images[seq] = { dims: [n, n, n], spacing, affine, data: v };
  });
  return {
    id: opts.id ?? `synthetic-${profile.name}-${opts.seed}`,
    images,
    label: { dims: [n, n, n], spacing, affine, data: labels },
  };
}

/** The cases of one simulated site: profile.caseCount cases with seeds derived from `seed`. */
export function syntheticSiteCases(profile: SiteProfile, seed: number, size = 32): ImagingCase[] {
  const out: ImagingCase[] = [];
  for (let c = 0; c < profile.caseCount; c++) {
    out.push(syntheticCase({ seed: (Math.imul(seed, 1000003) + c * 7919) >>> 0, size, profile, id: `${profile.name}-${c}` }));
  }
  return out;
}
