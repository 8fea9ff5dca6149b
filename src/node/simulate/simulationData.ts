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

/** the streams of caseSeed: training cases, test cases, DP noise */
export const TRAIN_STREAM = 1;
export const TEST_STREAM = 2;
export const DP_NOISE_STREAM = 3;

/** A case seed from (run seed, stream, index, case): distinct streams never share seeds in practice (buildSimulationData checks its cases'). */
export function caseSeed(seed: number, stream: number, index: number, c: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (stream + 0x27d4eb2f), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (index * 7919 + 0x165667b1), 0xc2b2ae35) >>> 0;
  return (h ^ (c * 104729)) >>> 0;
}

/** No two cases of a run (training or test) from one seed: a test case would be a training case. */
function requireDistinctSeeds(o: SimulationDataOptions): void {
  const seeds = new Set<number>();
  let count = 0;
  for (let i = 0; i < o.sites; i++) {
    for (let c = 0; c < siteCaseCount(SITE_PROFILES[i % SITE_PROFILES.length]!, o.maxCasesPerSite); c++, count++) seeds.add(caseSeed(o.seed, TRAIN_STREAM, i, c));
  }
  for (let p = 0; p < SITE_PROFILES.length; p++) {
    for (let c = 0; c < o.testCasesPerProfile; c++, count++) seeds.add(caseSeed(o.seed, TEST_STREAM, p, c));
  }
  if (seeds.size !== count) throw new Error(`simulation seed ${o.seed}: two of its ${count} synthetic cases would share a case seed; choose another --seed`);
}

export function siteCaseCount(profile: SiteProfile, maxCasesPerSite: number | null): number {
  return maxCasesPerSite === null ? profile.caseCount : Math.min(profile.caseCount, maxCasesPerSite);
}

export function buildSimulationData(o: SimulationDataOptions): SimulationData {
  requireDistinctSeeds(o);
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
      train: Array.from({ length: n }, (_, c) => make(caseSeed(o.seed, TRAIN_STREAM, i, c), profile, `${id}-${profile.name}-${c}`)),
      malicious: i >= o.sites - o.malicious,
    };
  });
  const test = simulated.flatMap((profile, p) =>
    Array.from({ length: o.testCasesPerProfile }, (_, c) => make(caseSeed(o.seed, TEST_STREAM, p, c), profile, `test-${profile.name}-${c}`)),
  );
  return { sites, test };
}
