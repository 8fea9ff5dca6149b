import { describe, expect, it } from 'vitest';
import { SEQUENCES } from '../types/sequences.ts';
import { syntheticCase, syntheticSiteCases } from './syntheticCase.ts';
import { SITE_PROFILES, getSiteProfile } from './siteProfiles.ts';
import { REFERENCE_PROTOCOL, protocolTissueContrasts, scaleProtocol } from './protocolContrast.ts';
import { TISSUE_CONTRASTS } from './tissueContrasts.ts';

function meanInside(data: Float32Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (const v of data) {
    if (v === 0) continue;
    s += v;
    s2 += v * v;
    c++;
  }
  const mean = s / c;
  return { mean, std: Math.sqrt(s2 / c - mean * mean) };
}

function regionMean(data: Float32Array, labels: Uint8Array, label: number): number {
  let s = 0;
  let c = 0;
  for (let p = 0; p < data.length; p++) {
    if (labels[p] === label) {
      s += data[p]!;
      c++;
    }
  }
  return s / c;
}

describe('syntheticCase', () => {
  it('is deterministic per seed', () => {
    const a = syntheticCase({ seed: 42 });
    const b = syntheticCase({ seed: 42 });
    for (const s of SEQUENCES) expect(a.images[s].data).toEqual(b.images[s].data);
    expect(a.label!.data).toEqual(b.label!.data);
  });

  it('differs between seeds', () => {
    const a = syntheticCase({ seed: 1 });
    const b = syntheticCase({ seed: 2 });
    expect(a.label!.data).not.toEqual(b.label!.data);
    expect(a.images.flair.data).not.toEqual(b.images.flair.data);
  });

  it('has 32^3 voxels at 1 mm by default, four sequences on the label grid', () => {
    const c = syntheticCase({ seed: 3 });
    expect(c.label!.dims).toEqual([32, 32, 32]);
    expect(c.label!.spacing).toEqual([1, 1, 1]);
    for (const s of SEQUENCES) {
      expect(c.images[s].dims).toEqual([32, 32, 32]);
      expect(c.images[s].affine).toEqual(c.label!.affine);
    }
  });

  it('labels are in {0,1,2,4} and every region is present, for every profile and many seeds', () => {
    for (const profile of SITE_PROFILES) {
      for (let seed = 0; seed < 12; seed++) {
        const c = syntheticCase({ seed, profile });
        const counts = new Map<number, number>();
        for (const v of c.label!.data) counts.set(v, (counts.get(v) ?? 0) + 1);
        expect([...counts.keys()].sort()).toEqual([0, 1, 2, 4]);
        // the tumour is inside the brain: every labelled voxel is non-zero in every sequence
        const t1 = c.images.t1.data;
        let outside = 0;
        for (let p = 0; p < t1.length; p++) if (c.label!.data[p]! > 0 && !(t1[p]! > 0)) outside++;
        expect(outside).toBe(0);
      }
    }
  });

  it('follows the sequences’ contrasts: enhancing rim brightest on T1Gd, oedema bright on FLAIR, CSF dark on FLAIR', () => {
    const c = syntheticCase({ seed: 5, profile: getSiteProfile('academic-3t') });
    const l = c.label!.data;
    expect(regionMean(c.images.t1ce.data, l, 4)).toBeGreaterThan(regionMean(c.images.t1ce.data, l, 0) * 1.3);
    expect(regionMean(c.images.t1ce.data, l, 4)).toBeGreaterThan(regionMean(c.images.t1.data, l, 4) * 1.5);
    expect(regionMean(c.images.flair.data, l, 2)).toBeGreaterThan(meanInside(c.images.flair.data).mean * 1.3);
    expect(regionMean(c.images.t2.data, l, 2)).toBeGreaterThan(meanInside(c.images.t2.data).mean * 1.1);
  });

  it('site profiles change the intensity statistics', () => {
    const stats = SITE_PROFILES.map((profile) => meanInside(syntheticCase({ seed: 7, profile }).images.t1.data));
    for (let a = 0; a < stats.length; a++) {
      for (let b = a + 1; b < stats.length; b++) {
        expect(Math.abs(stats[a]!.mean - stats[b]!.mean) / Math.max(stats[a]!.mean, stats[b]!.mean)).toBeGreaterThan(0.2);
      }
    }
  });

  it('protocol contrast: the reference is TISSUE_CONTRASTS exactly, heterogeneity 0 is the reference, and each other site reorders contrast', () => {
    expect(protocolTissueContrasts(REFERENCE_PROTOCOL)).toEqual(TISSUE_CONTRASTS);
    for (const p of SITE_PROFILES) expect(protocolTissueContrasts(scaleProtocol(p.protocol, 0))).toEqual(TISSUE_CONTRASTS);
    const half = scaleProtocol(getSiteProfile('small-clinic').protocol, 0.5);
    expect(half.enhancement).toBeCloseTo(1 - 0.5 * 0.45, 12);
    // every non-reference profile changes some tissue's mean by more than 0.05 in some sequence:
    // a change no linear normalisation can undo (the ratios between tissues move)
    const ratio = (c: Readonly<Record<string, readonly number[]>>, seq: string) => c[seq]![2]! / c[seq]![3]!; // grey / white
    for (const p of SITE_PROFILES.filter((x) => x.name !== 'academic-3t')) {
      const c = protocolTissueContrasts(p.protocol);
      expect(Math.max(...SEQUENCES.map((seq) => Math.abs(ratio(c, seq) - ratio(TISSUE_CONTRASTS, seq))))).toBeGreaterThan(0.05);
    }
    // less contrast dose: the enhancing rim (code 5) stands out less over plain T1, non-enhancing tissue is unchanged
    const low = protocolTissueContrasts({ gamma: REFERENCE_PROTOCOL.gamma, enhancement: 0.5 });
    expect(low.t1ce[5]! - low.t1[5]!).toBeCloseTo(0.5 * (TISSUE_CONTRASTS.t1ce[5]! - TISSUE_CONTRASTS.t1[5]!), 12);
    expect(low.t2).toEqual(TISSUE_CONTRASTS.t2);
    expect(() => protocolTissueContrasts({ gamma: { ...REFERENCE_PROTOCOL.gamma, flair: 0 }, enhancement: 1 })).toThrow(/gamma 0 \(flair\)/);
    expect(() => protocolTissueContrasts({ gamma: REFERENCE_PROTOCOL.gamma, enhancement: 0 })).toThrow(/enhancement > 0, found 0/);
    expect(() => scaleProtocol(REFERENCE_PROTOCOL, -1)).toThrow(/heterogeneity/);
  });

  it('with the reference protocol, makes exactly the images of the workload before protocol contrast existed', () => {
    // FNV-1a over the float32 bytes of every sequence of one case per profile; the value
    // was computed by the code before protocolContrast.ts (the same as SHA-256 9272b08f...)
    let h = 0x811c9dc5;
    for (const p of SITE_PROFILES) {
      const c = syntheticCase({ seed: 11, size: 16, profile: { ...p, protocol: REFERENCE_PROTOCOL } });
      for (const seq of SEQUENCES) for (const b of new Uint8Array(c.images[seq].data.buffer)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    }
    expect(h.toString(16)).toBe('3c0f139e');
  });

  it('coarser resolution blurs (smaller neighbour differences), a bias field multiplies by a smooth varying field', () => {
    const base = { ...getSiteProfile('academic-3t'), noise: 0, biasField: 0 };
    const roughness = (res: number) => {
      const v = syntheticCase({ seed: 2, profile: { ...base, resolution: res } }).images.t1.data;
      let s = 0;
      let n = 0;
      for (let p = 1; p < v.length; p++) {
        if (v[p] === 0 || v[p - 1] === 0) continue;
        s += Math.abs(v[p]! - v[p - 1]!);
        n++;
      }
      return s / n;
    };
    expect(roughness(3)).toBeLessThan(roughness(1) * 0.8);
    // the bias field is a smooth multiplicative field: the ratio to the unbiased image varies
    const flat = syntheticCase({ seed: 2, profile: base }).images.t1.data;
    const biased = syntheticCase({ seed: 2, profile: { ...base, biasField: 0.3 } }).images.t1.data;
    const ratios: number[] = [];
    for (let p = 0; p < flat.length; p++) if (flat[p]! > 0) ratios.push(biased[p]! / flat[p]!);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / ratios.length);
    expect(sd).toBeGreaterThan(0.03);
    expect(Math.min(...ratios)).toBeGreaterThan(0.5);
  });

  it('keeps outside-brain voxels at exactly 0 and has at least one small site', () => {
    const c = syntheticCase({ seed: 9, profile: getSiteProfile('regional-thick-slice') });
    expect(c.images.flair.data[0]).toBe(0);
    expect(SITE_PROFILES.length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...SITE_PROFILES.map((p) => p.caseCount))).toBeLessThanOrEqual(4);
  });

  it('makes a site of caseCount distinct cases', () => {
    const p = getSiteProfile('small-clinic');
    const cases = syntheticSiteCases(p, 1);
    expect(cases).toHaveLength(p.caseCount);
    expect(new Set(cases.map((c) => c.id)).size).toBe(p.caseCount);
    expect(() => getSiteProfile('nowhere')).toThrow(/known: academic-3t/);
  });
});
