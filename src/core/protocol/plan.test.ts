import { describe, expect, it } from 'vitest';
import { FedsegError } from '../util/errors.ts';
import { DEMO_PLAN, localStepsFor, parsePlan, planHash, publishedPlan } from './plan.ts';
import { canonicalJson } from './canonicalJson.ts';

function problemOf(json: unknown): string {
  try {
    parsePlan(json, 'plan.json');
  } catch (e) {
    expect(e).toBeInstanceOf(FedsegError);
    expect((e as FedsegError).code).toBe('PLAN_INVALID');
    return (e as FedsegError).message;
  }
  throw new Error('expected the plan to be refused');
}

describe('parsePlan', () => {
  it('fills every default from an empty plan', () => {
    const p = parsePlan({}, 'plan.json');
    expect(p.rounds).toBe(10);
    expect(p.model.preset).toBe('tiny');
    expect(p.training.optimizer).toBe('adam');
    expect(p.aggregation.strategy).toBe('fedavg');
    expect(p.aggregation.robust.rule).toBe('none');
    expect(p.codec.name).toBe('float32');
    expect(p.privacy.dp.enabled).toBe(false);
    expect(p.privacy.secureAggregation.enabled).toBe(false);
    expect(p.limits.maxUpdateBytes).toBeGreaterThan(0);
  });

  it('names the file, the path, the expectation and the value found', () => {
    expect(problemOf({ rounds: -1 })).toBe('plan.json: rounds: expected a positive integer, found -1');
    expect(problemOf({ training: { optimizer: 'adagrad' } })).toBe(
      'plan.json: training.optimizer: expected one of "adam", "sgd", found "adagrad"',
    );
  });

  it('lists every problem, one per line, including unknown keys', () => {
    const msg = problemOf({ rounds: 2.5, training: { learningRate: 0 }, roudns: 3 });
    const lines = msg.split('\n');
    expect(lines).toHaveLength(3);
    expect(msg).toContain('plan.json: rounds: expected a positive integer, found 2.5');
    expect(msg).toContain('plan.json: training.learningRate: expected a number > 0, found 0');
    expect(msg).toContain('unknown key "roudns"');
  });

  it('refuses a non-object plan and wrong types', () => {
    expect(problemOf(42)).toContain('plan.json: (top level): expected object, found 42');
    expect(problemOf({ stragglers: { extendOnTimeout: 'yes' } })).toContain('stragglers.extendOnTimeout: expected boolean, found "yes"');
  });

  it('refuses a median or trimmed mean with secure aggregation, chosen as the wrapper or as the base strategy', () => {
    const secure = { secureAggregation: { enabled: true } };
    for (const rule of ['median', 'trimmedmean']) {
      expect(problemOf({ aggregation: { robust: { rule } }, privacy: secure })).toContain(`aggregation.robust.rule: expected "none" or "normbound" with secure aggregation, found "${rule}"`);
      expect(problemOf({ aggregation: { strategy: rule }, privacy: secure })).toContain(`aggregation.strategy: expected "none" or "normbound" with secure aggregation, found "${rule}"`);
    }
    // normbound stays allowed (a federation created with it must still open): it bounds the mean step there
    expect(() => parsePlan({ aggregation: { strategy: 'normbound', robust: { rule: 'normbound', options: { maxNorm: 1 } } }, privacy: secure }, 'p')).not.toThrow();
    expect(() => parsePlan({ aggregation: { strategy: 'fedadam' }, privacy: secure }, 'p')).not.toThrow();
  });

  it('refuses a median or trimmed mean with DP, as the wrapper or the base strategy; normbound is allowed', () => {
    const dp = { dp: { enabled: true } };
    expect(problemOf({ aggregation: { strategy: 'trimmedmean' }, privacy: dp })).toContain('aggregation.strategy: expected "none" or "normbound" with differential privacy, found "trimmedmean"');
    expect(problemOf({ aggregation: { robust: { rule: 'median' } }, privacy: dp })).toContain('aggregation.robust.rule');
    expect(() => parsePlan({ aggregation: { strategy: 'normbound', robust: { rule: 'normbound' } }, privacy: dp }, 'p')).not.toThrow();
  });

  it('refuses DP or a lossy codec with secure aggregation', () => {
    expect(problemOf({ privacy: { secureAggregation: { enabled: true }, dp: { enabled: true } } })).toContain('privacy.dp.enabled');
    expect(problemOf({ codec: { name: 'int8' }, privacy: { secureAggregation: { enabled: true } } })).toContain('codec.name');
  });

  it('computes local steps from epochs when set', () => {
    const p = parsePlan({ training: { localEpochs: 2, batchSize: 2, localSteps: 7 } }, 'p');
    expect(localStepsFor(p, 5)).toBe(5);
    expect(localStepsFor(DEMO_PLAN, 100)).toBe(DEMO_PLAN.training.localSteps);
  });
});

describe('planHash', () => {
  it('is a SHA-256 hex that ignores key order and explicit defaults', async () => {
    const a = parsePlan({ rounds: 3, federation: 'x' }, 'a');
    const b = parsePlan({ federation: 'x', rounds: 3, training: { optimizer: 'adam' } }, 'b');
    const h = await planHash(a);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await planHash(b)).toBe(h);
  });

  it('changes when any field changes', async () => {
    const a = await planHash(DEMO_PLAN);
    const b = await planHash(parsePlan({ ...DEMO_PLAN, rounds: 4 }, 'b'));
    expect(b).not.toBe(a);
  });

  it('keeps the hash a plan had before aggregation.weighting existed, unless the weighting is not the default', async () => {
    expect(DEMO_PLAN.aggregation.weighting).toBe('samples');
    // the demo plan's hash as computed before the field was added (commit ec6b668)
    const hashBefore = '23c3835ce82c337f9e7bf21816572d069bffc21f4dd3c9ce571974996b49de2a';
    expect(await planHash(DEMO_PLAN)).toBe(hashBefore);
    const equal = parsePlan({ ...DEMO_PLAN, aggregation: { ...DEMO_PLAN.aggregation, weighting: 'equal' } }, 'equal');
    expect(await planHash(equal)).not.toBe(hashBefore);
  });

  it('keeps that hash after limits.maxSampleCount was added, unless the limit is not the default', async () => {
    const hashBefore = '23c3835ce82c337f9e7bf21816572d069bffc21f4dd3c9ce571974996b49de2a';
    expect(await planHash(parsePlan({ ...DEMO_PLAN, limits: { ...DEMO_PLAN.limits, maxSampleCount: 100_000 } }, 'explicit default'))).toBe(hashBefore);
    const capped = parsePlan({ ...DEMO_PLAN, limits: { ...DEMO_PLAN.limits, maxSampleCount: 50 } }, 'capped');
    const both = parsePlan({ ...capped, aggregation: { ...capped.aggregation, weighting: 'equal' } }, 'both');
    const hashes = new Set([hashBefore, await planHash(capped), await planHash(both)]);
    expect(hashes.size).toBe(3);
    expect(() => parsePlan({ limits: { maxSampleCount: 0 } }, 'plan.json')).toThrow('plan.json: limits.maxSampleCount');
  });

  it('keeps that hash after validation.minReportCases was added, unless it is not the default', async () => {
    const hashBefore = '23c3835ce82c337f9e7bf21816572d069bffc21f4dd3c9ce571974996b49de2a';
    expect(DEMO_PLAN.validation.minReportCases).toBe(5);
    expect(await planHash(parsePlan({ ...DEMO_PLAN, validation: { ...DEMO_PLAN.validation, minReportCases: 5 } }, 'explicit default'))).toBe(hashBefore);
    expect(await planHash(parsePlan({ ...DEMO_PLAN, validation: { ...DEMO_PLAN.validation, minReportCases: 1 } }, 'one'))).not.toBe(hashBefore);
    expect(() => parsePlan({ validation: { minReportCases: 0 } }, 'plan.json')).toThrow('plan.json: validation.minReportCases');
  });

  it('publishes a plan without its late fields at their defaults (sites of the version before refuse unknown keys)', () => {
    const published = publishedPlan(DEMO_PLAN) as { aggregation: object; limits: object; validation: object };
    expect(published.validation).not.toHaveProperty('minReportCases');
    expect(published.limits).not.toHaveProperty('maxSampleCount');
    expect(published.aggregation).not.toHaveProperty('weighting');
    expect(parsePlan(published, 'published')).toEqual(DEMO_PLAN);
    const set = publishedPlan(parsePlan({ ...DEMO_PLAN, limits: { ...DEMO_PLAN.limits, maxSampleCount: 50 }, aggregation: { ...DEMO_PLAN.aggregation, weighting: 'equal' } }, 'set')) as { aggregation: object; limits: object };
    expect(set.limits).toMatchObject({ maxSampleCount: 50 });
    expect(set.aggregation).toMatchObject({ weighting: 'equal' });
  });

  it('the demo plan is tiny and three rounds', () => {
    expect(DEMO_PLAN.model.preset).toBe('tiny');
    expect(DEMO_PLAN.rounds).toBe(3);
    expect(parsePlan(JSON.parse(JSON.stringify(DEMO_PLAN)), 'rt')).toEqual(DEMO_PLAN);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/a: expected a finite number/);
  });
});
