/** Flags -> options -> a validated Plan (the coordinator's plan path), and the refusals. */
import { describe, expect, it } from 'vitest';
import { strategyFromPlan } from '../../core/aggregation/strategies.ts';
import { codecFor } from '../../core/codecs/updateCodec.ts';
import { optionsFromArgs } from '../commands/simulate.ts';
import { planFromOptions, resolveOptions } from './simulateOptions.ts';
import { buildSimulationData, caseSeed } from './simulationData.ts';
import { errorCode } from '../../core/util/errorCode.ts';
import { REFERENCE_PROTOCOL } from '../../core/synthetic/protocolContrast.ts';


describe('simulate options', () => {
  it('turn the command line into the plan the coordinator would run', () => {
    const { options, json, backend, stockKernels } = optionsFromArgs([
      '--sites', '5', '--rounds', '3', '--strategy', 'fedadam', '--server-lr', '0.1', '--mu', '0.01', '--weighting', 'equal', '--robust', 'normbound', '--max-norm', '2',
      '--codec', 'topk', '--topk-fraction', '0.05', '--dp-epsilon', '4', '--malicious', '1', '--attack', 'signflip', '--json', '--backend', 'cpu', '--stock-kernels',
    ]);
    expect(json).toBe(true);
    expect(backend).toBe('cpu');
    expect(stockKernels).toBe(true);
    const plan = planFromOptions(resolveOptions(options));
    expect(plan.rounds).toBe(3);
    expect(plan.aggregation).toEqual({ strategy: 'fedadam', options: { eta: 0.1 }, weighting: 'equal', robust: { rule: 'normbound', options: { maxNorm: 2 } } });
    expect(plan.training.proximalMu).toBe(0.01);
    expect(plan.codec).toEqual({ name: 'topk', options: { fraction: 0.05 } });
    expect(plan.privacy.dp).toMatchObject({ enabled: true, epsilon: 4 });
    // under DP the norm bound is a second clip of each site's update, before the noise
    expect(strategyFromPlan(plan).strategy.name).toBe('dp(fedadam)');
    expect(strategyFromPlan(plan).dp!.clipNorm).toBe(Math.min(plan.privacy.dp.clipNorm, 2));
    expect(codecFor(plan.codec).name).toBe('topk');
  });

  it('pass --quant-scale to the int8 / int4 codec, and a codec without that option names it', () => {
    const plan = planFromOptions(resolveOptions(optionsFromArgs(['--codec', 'int4', '--quant-scale', 'mse']).options));
    expect(plan.codec).toEqual({ name: 'int4', options: { scale: 'mse' } });
    expect(codecFor(plan.codec).options).toMatchObject({ scale: 'mse', errorFeedback: true });
    const topk = planFromOptions(resolveOptions(optionsFromArgs(['--codec', 'topk', '--topk-fraction', '0.1', '--quant-scale', 'mse']).options));
    expect(() => codecFor(topk.codec)).toThrow(/topk codec options/);
  });

  it('refuse what the plan or the simulation cannot run, saying why', () => {
    expect(errorCode(() => planFromOptions(resolveOptions({ secureAggregation: true, robust: 'median' })))).toBe('PLAN_INVALID');
    expect(errorCode(() => planFromOptions(resolveOptions({ dpEpsilon: 1, robust: 'trimmedmean' })))).toBe('PLAN_INVALID');
    expect(errorCode(() => resolveOptions({ sites: 2, malicious: 2 }))).toBe('SIMULATE_OPTIONS');
    expect(errorCode(() => resolveOptions({ secureAggregation: true, codec: 'int8' }))).toBe('SIMULATE_OPTIONS');
    expect(errorCode(() => resolveOptions({ arms: ['federated', 'pooled' as never] }))).toBe('SIMULATE_OPTIONS');
    expect(errorCode(() => optionsFromArgs(['--rounds', 'many']))).toBe('SIMULATE_OPTIONS');
    expect(errorCode(() => resolveOptions({ protocolHeterogeneity: -0.5 }))).toBe('SIMULATE_OPTIONS');
    expect(errorCode(() => planFromOptions(resolveOptions({ weighting: 'uniform' as never })))).toBe('PLAN_INVALID');
    expect(errorCode(() => strategyFromPlan(planFromOptions(resolveOptions({ strategy: 'fedsgd' }))))).toBe('UNKNOWN_AGGREGATION_STRATEGY');
  });

  it('make non-IID sites (one per profile, the small one included) and a test set from every profile, the same per seed', () => {
    const o = { sites: 5, seed: 3, size: 16, protocolHeterogeneity: 1, maxCasesPerSite: 2, testCasesPerProfile: 1, malicious: 1, patchSize: 16 };
    const a = buildSimulationData(o);
    expect(a.sites.map((s) => s.profile.name)).toEqual(['academic-3t', 'community-1.5t', 'regional-thick-slice', 'small-clinic', 'academic-3t']);
    expect(a.sites.map((s) => s.train.length)).toEqual([2, 2, 2, 2, 2]);
    expect(a.sites.map((s) => s.malicious)).toEqual([false, false, false, false, true]);
    expect(a.test.map((c) => c.id)).toEqual(['test-academic-3t-0', 'test-community-1.5t-0', 'test-regional-thick-slice-0', 'test-small-clinic-0']);
    // site 0 and site 4 share a profile but not their patients
    expect(a.sites[0]!.train[0]!.image).not.toEqual(a.sites[4]!.train[0]!.image);
    const b = buildSimulationData(o);
    expect(b.sites[2]!.train[1]!.image).toEqual(a.sites[2]!.train[1]!.image);
    // the protocol contrast moves with --protocol-heterogeneity; 0 gives every site the reference contrast
    expect(a.sites.map((s) => s.profile.protocol.enhancement)).toEqual([1, 0.8, 0.7, 0.55, 1]);
    const flat = buildSimulationData({ ...o, protocolHeterogeneity: 0 });
    for (const s of flat.sites) expect(s.profile.protocol).toEqual(REFERENCE_PROTOCOL);
    expect(flat.sites[0]!.train[0]!.image).toEqual(a.sites[0]!.train[0]!.image); // academic-3t is the reference
    expect(flat.sites[3]!.train[0]!.image).not.toEqual(a.sites[3]!.train[0]!.image);
    expect(optionsFromArgs(['--protocol-heterogeneity', '0']).options.protocolHeterogeneity).toBe(0);
    expect(new Set([caseSeed(1, 1, 0, 0), caseSeed(1, 2, 0, 0), caseSeed(2, 1, 0, 0), caseSeed(1, 1, 1, 0), caseSeed(1, 1, 0, 1)]).size).toBe(5);
  });
});
