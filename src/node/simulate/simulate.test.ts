/**
 * The simulator end to end (tiny preset, a few steps, small cases): the real data path
 * gives well-formed results for all three arms; the federated path is wired exactly (a
 * one-site FedAvg federation equals that site's local training); secure aggregation gives
 * plain FedAvg up to quantisation; one scaled malicious update wrecks FedAvg, not median.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeightSet } from '../../core/types/weights.ts';
import { REGIONS } from '../../core/types/labels.ts';
import { SITE_PROFILES } from '../../core/synthetic/siteProfiles.ts';
import { sphereCase } from '../../core/train/sphereCase.ts';
import { flatten } from '../../core/codecs/payloadBytes.ts';
import { formatResultTable } from './formatResultTable.ts';
import { initTfNode } from '../tfNode.ts';
import { registerFastCpuKernels } from '../../kernels/wasm/fastCpuConv3d.ts';
import { simulate } from './simulate.ts';
import type { SimulationData } from './simulationData.ts';
import type { SimulationResult } from './simulationResult.ts';
import { armSeries, curvesSvg } from './curvesSvg.ts';

let tensorsNow: () => number = () => 0;
beforeAll(async () => {
  const { tf } = await initTfNode(['cpu']);
  await registerFastCpuKernels(tf, { enabled: true });
  tensorsNow = () => tf.memory().numTensors;
});

/** Sites of 16^3 sphere phantoms (one sliding window each), the last `malicious` attacking. */
function sphereData(sites: number, casesPerSite: number, malicious = 0): SimulationData {
  return {
    sites: Array.from({ length: sites }, (_, i) => ({
      id: `site-${i}`,
      profile: SITE_PROFILES[i % SITE_PROFILES.length]!,
      train: Array.from({ length: casesPerSite }, (_, c) => sphereCase({ seed: 100 * i + c, radius: 4 + i + c, noise: 0.2 + 0.1 * i })),
      malicious: i >= sites - malicious,
    })),
    test: [sphereCase({ seed: 999, radius: 5 })],
  };
}

const maxAbsDiff = (a: WeightSet, b: WeightSet): number => {
  const x = flatten(a);
  const y = flatten(b);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
};

function expectScores(s: { dice: Record<string, number>; hd95: Record<string, number> }): void {
  for (const r of REGIONS) {
    expect(s.dice[r]).toBeGreaterThanOrEqual(0);
    expect(s.dice[r]).toBeLessThanOrEqual(1);
    expect(Number.isFinite(s.hd95[r])).toBe(true);
    expect(s.hd95[r]).toBeGreaterThanOrEqual(0);
  }
}

describe('simulate', () => {
  it('runs 2 sites x 2 rounds on synthetic sites and reports all three arms', async () => {
    const { result } = await simulate({ sites: 2, rounds: 2, localSteps: 1, size: 16, maxCasesPerSite: 2, testCasesPerProfile: 1, seed: 7 });
    const r: SimulationResult = JSON.parse(JSON.stringify(result));
    expect(r.data.sites.map((s) => [s.profile, s.trainCases, s.stepsPerRound])).toEqual([
      [SITE_PROFILES[0]!.name, 2, 1],
      [SITE_PROFILES[1]!.name, 2, 1],
    ]);
    expect(r.data.testCases).toBe(SITE_PROFILES.length);
    expect(formatResultTable(r)).toContain(`test set: ${SITE_PROFILES.length} held-out cases (1 per site profile)`);
    expect(r.plan.rounds).toBe(2);
    expect(r.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.federated!.totalSteps).toBe(4);
    expect(r.federated!.rounds.map((x) => x.round)).toEqual([1, 2]);
    expect(r.federated!.uploadRatio).toBe(1); // float32: 4 bytes per weight
    expect(r.federated!.uploadBytesPerSiteRound).toBe(4 * r.data.weights);
    expect(r.federated!.meanCodecError).toBe(0); // float32 sends the update as it is
    expect(r.centralized!.totalSteps).toBe(4); // the federation's total
    expect(r.local!.sites.map((s) => s.totalSteps)).toEqual([2, 2]); // each site's own share
    for (const s of [r.federated!.scores, r.centralized!.scores, r.local!.mean, ...r.local!.sites.map((x) => x.scores)]) expectScores(s);
    for (const reg of REGIONS) {
      expect(r.comparison.federatedOverCentralizedDice![reg]).toBeCloseTo(r.federated!.scores.dice[reg] / r.centralized!.scores.dice[reg], 10);
    }
  });

  it('FedAvg of one site with float32 and no privacy equals that site trained alone for the same steps', async () => {
    // one round: later rounds start from global + (local - global) in float32, one rounding
    // away from local, and Adam's normalised steps amplify that to ~1e-5 after a round
    const tensorsBefore = tensorsNow();
    const run = await simulate({ sites: 1, rounds: 1, localSteps: 3, arms: ['federated', 'local'] }, { data: sphereData(1, 2) });
    expect(tensorsNow()).toBe(tensorsBefore); // the one shared model and every step's tensors were disposed
    const fed = run.weights.federated!;
    const local = run.weights.local![0]!;
    const moved = run.result.federated!.rounds.map((x) => x.globalStepNorm);
    expect(Math.min(...moved)).toBeGreaterThan(1e-3); // training did change the model
    expect(maxAbsDiff(fed, local)).toBeLessThan(1e-6); // float32 rounding of (global + delta) only
  });

  it('trains the centralized and local arms without the FedProx term, which only the federation has', async () => {
    const run = (proximalMu: number) => simulate({ sites: 1, rounds: 2, localSteps: 3, proximalMu, arms: ['federated', 'centralized', 'local'] }, { data: sphereData(1, 2) });
    const [plain, prox] = [await run(0), await run(1)];
    expect(maxAbsDiff(prox.weights.local![0]!, plain.weights.local![0]!)).toBe(0);
    expect(maxAbsDiff(prox.weights.centralized!, plain.weights.centralized!)).toBe(0);
    expect(maxAbsDiff(prox.weights.federated!, plain.weights.federated!)).toBeGreaterThan(0); // the federation's sites do use it
  });

  it('int4 sends under 1/8 of float32 and reports what it changed in each update', async () => {
    const run = await simulate({ sites: 2, rounds: 2, localSteps: 2, codec: 'int4', arms: ['federated'] }, { data: sphereData(2, 2) });
    const fed = run.result.federated!;
    expect(fed.uploadRatio).toBeLessThan(1 / 8);
    const errors = fed.rounds.flatMap((x) => x.codecErrors);
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e).toBeGreaterThan(1e-4); // 15 levels do change the update...
    for (const e of errors) expect(e).toBeLessThan(0.3); // ...by much less than top-k's dropped share would
    expect(fed.meanCodecError).toBeCloseTo(errors.reduce((a, b) => a + b, 0) / 4, 12);
  });

  it('secure aggregation gives plain FedAvg up to quantisation', async () => {
    const common = { sites: 2, rounds: 1, localSteps: 2, arms: ['federated'] as const };
    const plain = await simulate({ ...common }, { data: sphereData(2, 2) });
    const secure = await simulate({ ...common, secureAggregation: true }, { data: sphereData(2, 2) });
    expect(secure.result.plan.privacy.secureAggregation.enabled).toBe(true);
    expect(secure.result.federated!.uploadBytesPerSiteRound).toBe(4 * secure.result.data.weights); // one uint32 per weight
    expect(plain.result.federated!.rounds[0]!.globalStepNorm).toBeGreaterThan(1e-3);
    // fixed point with S = (2^31 - 1 - N) / (W * clip): error <= N / (2 S W) ~ 5e-10 per weight
    expect(maxAbsDiff(plain.weights.federated!, secure.weights.federated!)).toBeLessThan(1e-6);
  });

  it('equal weighting counts a 1-case site as much as a 3-case one, in the plain and the secure path alike', async () => {
    const unequal = (): SimulationData => {
      const d = sphereData(2, 3);
      return { ...d, sites: [{ ...d.sites[0]!, train: d.sites[0]!.train.slice(0, 1) }, d.sites[1]!] };
    };
    const common = { sites: 2, rounds: 1, localSteps: 2, arms: ['federated'] as const };
    const bySamples = await simulate({ ...common }, { data: unequal() });
    const equal = await simulate({ ...common, weighting: 'equal' }, { data: unequal() });
    const equalSecure = await simulate({ ...common, weighting: 'equal', secureAggregation: true }, { data: unequal() });
    expect(equal.result.plan.aggregation.weighting).toBe('equal');
    // the sites train the same updates either way; only their weights in the mean differ
    expect(equal.result.federated!.rounds[0]!.updateNorms).toEqual(bySamples.result.federated!.rounds[0]!.updateNorms);
    expect(maxAbsDiff(equal.weights.federated!, bySamples.weights.federated!)).toBeGreaterThan(1e-4);
    // the secure path advertises weight 1 too: the same mean up to fixed-point rounding
    expect(maxAbsDiff(equal.weights.federated!, equalSecure.weights.federated!)).toBeLessThan(1e-6);
  });

  it('one site sending a scaled update wrecks plain FedAvg but not the coordinate-wise median', async () => {
    const common = { sites: 3, rounds: 1, localSteps: 2, malicious: 1, attack: 'scale' as const, attackFactor: 100, arms: ['federated'] as const };
    const fedavg = (await simulate({ ...common }, { data: sphereData(3, 1, 1) })).result.federated!.rounds[0]!;
    const median = (await simulate({ ...common, robust: 'median' }, { data: sphereData(3, 1, 1) })).result.federated!.rounds[0]!;
    const honest = Math.max(...fedavg.updateNorms.slice(0, 2));
    expect(fedavg.updateNorms[2]).toBeGreaterThan(50 * honest);
    expect(fedavg.globalStepNorm).toBeGreaterThan(10 * honest); // the attacker moves the model
    expect(median.globalStepNorm).toBeLessThan(1.5 * honest); // the median stays among the honest values
  });

  it('records learning curves every --eval-every rounds, ending at the final scores, and plots them', async () => {
    const { result: r } = await simulate({ sites: 2, rounds: 2, localSteps: 1, evalEvery: 1 }, { data: sphereData(2, 1) });
    const t = r.seconds; // the curves' evaluations are counted once, as evaluation, not again inside the arms
    expect(t.data + t.federated + t.centralized + t.local + t.evaluation).toBeLessThanOrEqual(t.total + 1e-3);
    for (const curve of [r.federated!.curve, r.centralized!.curve, r.local!.meanCurve, ...r.local!.sites.map((x) => x.curve)]) {
      expect(curve.map((p) => p.round)).toEqual([1, 2]);
    }
    expect(r.federated!.curve[1]!.dice).toEqual(r.federated!.scores.dice);
    expect(r.centralized!.curve[1]!.dice).toEqual(r.centralized!.scores.dice);
    for (const reg of REGIONS) {
      const sites = r.local!.sites.map((x) => x.curve[0]!.dice[reg]);
      expect(r.local!.meanCurve[0]!.dice[reg]).toBeCloseTo((sites[0]! + sites[1]!) / 2, 12);
    }
    const svg = curvesSvg(armSeries([r, r]), 'two runs');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3 * REGIONS.length); // an arm per panel
    expect(svg.match(/<polygon /g)).toHaveLength(3 * REGIONS.length); // min-max bands over the two runs
    expect(svg).toContain('two runs');
  });
});
