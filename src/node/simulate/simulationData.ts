/**
 * The simulated hospitals and the common test set. Site i is a scanner of
 * SITE_PROFILES[i mod 4] (protocol contrast, intensity scale, noise, bias field, resolution,
 * tumour sizes and case count differ: non-IID, with one small site), its protocol moved
 * `protocolHeterogeneity` of the way from the reference; the held-out test set takes
 * `testCasesPerProfile` fresh cases from every profile. Cases are made by the synthetic
 * phantom and preprocessed by the same prepareCase as real scans. Deterministic per seed.
 */
import type { TrainingCase } from '../../core/types/case.ts';
import { SITE_PROFILES, type SiteProfile } from '../../core/synthetic/siteProfiles.ts';
import { scaleProtocol } from '../../core/synthetic/protocolContrast.ts';
import { syntheticCase } from '../../core/synthetic/syntheticCase.ts';
import { prepareCase } from '../../io/prepareCase.ts';

export interface SimulatedSite {
  /** `site-<i>` */
  readonly id: string;
  readonly profile: SiteProfile;
  readonly train: readonly TrainingCase[];
  /** sends a manipulated update (the attack of the options) */
  readonly malicious: boolean;
}

export interface SimulationData {
  readonly sites: readonly SimulatedSite[];
  readonly test: readonly TrainingCase[];
}

export interface SimulationDataOptions {
  sites: number;
  seed: number;
  size: number;
  /** see SimulateOptions.protocolHeterogeneity */
  protocolHeterogeneity: number;
  maxCasesPerSite: number | null;
  testCasesPerProfile: number;
  malicious: number;
  patchSize: number;
  /** called after each case is made */
  onCase?: (done: number, total: number) => void;
}

/** A case seed from (run seed, stream, index, case): distinct streams never share seeds in practice. */
export function caseSeed(seed: number, stream: number, index: number, c: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (stream + 0x27d4eb2f), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (index * 7919 + 0x165667b1), 0xc2b2ae35) >>> 0;
  return (h ^ (c * 104729)) >>> 0;
}

export function siteCaseCount(profile: SiteProfile, maxCasesPerSite: number | null): number {
  return maxCasesPerSite === null ? profile.caseCount : Math.min(profile.caseCount, maxCasesPerSite);
}

export function buildSimulationData(o: SimulationDataOptions): SimulationData {
  const simulated = SITE_PROFILES.map((p) => ({ ...p, protocol: scaleProtocol(p.protocol, o.protocolHeterogeneity) }));
  const profiles = Array.from({ length: o.sites }, (_, i) => simulated[i % simulated.length]!);
  const total = profiles.reduce((s, p) => s + siteCaseCount(p, o.maxCasesPerSite), 0) + simulated.length * o.testCasesPerProfile;
  let done = 0;
  const make = (seed: number, profile: SiteProfile, id: string): TrainingCase => {
    const c = prepareCase(syntheticCase({ seed, size: o.size, profile, id }), { patchSize: o.patchSize });
    o.onCase?.(++done, total);
    return c;
  };
  const sites = profiles.map((profile, i): SimulatedSite => {
    const n = siteCaseCount(profile, o.maxCasesPerSite);
    const id = `site-${i}`;
    return {
      id,
      profile,
      train: Array.from({ length: n }, (_, c) => make(caseSeed(o.seed, 1, i, c), profile, `${id}-${profile.name}-${c}`)),
      malicious: i >= o.sites - o.malicious,
    };
  });
  const test = simulated.flatMap((profile, p) =>
    Array.from({ length: o.testCasesPerProfile }, (_, c) => make(caseSeed(o.seed, 2, p, c), profile, `test-${profile.name}-${c}`)),
  );
  return { sites, test };
}
