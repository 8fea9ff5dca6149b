/**
 * Simulated hospital scanners for the synthetic BraTS-like phantom. Sites differ the way
 * real hospitals do (non-IID): intensity scale and offset (vendor, protocol), noise
 * (field strength), a smooth multiplicative bias field (coil inhomogeneity), effective
 * resolution (older scanners and thick slices blur the image), tumour sizes at
 * presentation (referral patterns) and how many cases the site has.
 */
import { FedsegError } from '../util/errors.ts';

export interface SiteProfile {
  readonly name: string;
  /** multiplies the unit-scale tissue intensities (arbitrary scanner units) */
  readonly intensityScale: number;
  /** added inside the brain after scaling */
  readonly intensityOffset: number;
  /** Gaussian noise standard deviation, relative to the unit tissue scale */
  readonly noise: number;
  /** bias-field strength: the multiplicative field spans roughly 1 +- biasField */
  readonly biasField: number;
  /** effective resolution in mm (>= 1): the image is blurred and slices thickened to it */
  readonly resolution: number;
  /** tumour-core radius range in mm, [min, max] */
  readonly tumourRadius: readonly [number, number];
  /** how many cases the site holds */
  readonly caseCount: number;
}

export const SITE_PROFILES: readonly SiteProfile[] = [
  {
    name: 'academic-3t',
    intensityScale: 1000,
    intensityOffset: 0,
    noise: 0.02,
    biasField: 0.05,
    resolution: 1,
    tumourRadius: [3.5, 6],
    caseCount: 24,
  },
  {
    name: 'community-1.5t',
    intensityScale: 450,
    intensityOffset: 60,
    noise: 0.05,
    biasField: 0.2,
    resolution: 2,
    tumourRadius: [3, 5],
    caseCount: 12,
  },
  {
    name: 'regional-thick-slice',
    intensityScale: 2500,
    intensityOffset: 300,
    noise: 0.04,
    biasField: 0.3,
    resolution: 3,
    tumourRadius: [4.5, 7],
    caseCount: 10,
  },
  {
    name: 'small-clinic',
    intensityScale: 180,
    intensityOffset: 20,
    noise: 0.08,
    biasField: 0.15,
    resolution: 1.5,
    tumourRadius: [2.5, 4.5],
    caseCount: 3,
  },
];

/** The profile with this name; an unknown name fails listing the known ones. */
export function getSiteProfile(name: string): SiteProfile {
  const p = SITE_PROFILES.find((s) => s.name === name);
  if (!p) {
    throw new FedsegError(
      'UNKNOWN_SITE_PROFILE',
      `unknown site profile "${name}"; known: ${SITE_PROFILES.map((s) => s.name).join(', ')}`,
    );
  }
  return p;
}
