/**
 * Simulated hospital scanners for the synthetic BraTS-like phantom. Sites differ the way
 * real hospitals do (non-IID): tissue contrast of the acquisition protocol (sequence
 * weighting, field strength, contrast dose and timing: see protocolContrast.ts), intensity
 * scale and offset (vendor units), noise (field strength), a smooth multiplicative bias
 * field (coil inhomogeneity), effective resolution (older scanners and thick slices blur
 * the image), tumour sizes at presentation (referral patterns) and how many cases the
 * site has.
 *
 * Scale and offset are a linear change of units, which prepareCase's z-score inside the
 * brain removes exactly: they test the preprocessing, not the model. The protocol's
 * contrast is what normalisation leaves, as between real hospitals. The protocol values
 * were fixed before any benchmark ran on them (docs/results.md, section 1b).
 */
import { FedsegError } from '../util/errors.ts';
import { REFERENCE_PROTOCOL, type ProtocolContrast } from './protocolContrast.ts';

export interface SiteProfile {
  readonly name: string;
  /** tissue contrast of the site's protocol; REFERENCE_PROTOCOL is TISSUE_CONTRASTS itself */
  readonly protocol: ProtocolContrast;
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
    protocol: REFERENCE_PROTOCOL,
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
    protocol: { gamma: { t1: 0.75, t1ce: 0.75, t2: 1, flair: 0.85 }, enhancement: 0.8 },
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
    protocol: { gamma: { t1: 0.65, t1ce: 0.65, t2: 1.2, flair: 0.8 }, enhancement: 0.7 },
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
    protocol: { gamma: { t1: 0.85, t1ce: 0.85, t2: 0.9, flair: 1.25 }, enhancement: 0.55 },
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
