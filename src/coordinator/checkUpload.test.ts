import { describe, expect, it } from 'vitest';
import { randomWeights } from '../core/aggregation/testWeights.ts';
import { planHash as hashPlan } from '../core/protocol/plan.ts';
import { specOf } from '../core/protocol/weightSpec.ts';
import { decodeUpload, readUpload } from './checkUpload.ts';
import { federationAlgorithms } from './federationAlgorithms.ts';
import { constantDelta, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 3 });
const global = randomWeights(1, 0.1, [[3, 2], [4]]);
const spec = specOf(global);
const site = { siteId: 'site-a' } as TestSite;
const BASE = 'b'.repeat(64);

async function context() {
  return { plan, planHash: await hashPlan(plan), spec, algorithms: federationAlgorithms(plan), round: 2, baseModelHash: BASE, globalWeights: global };
}

describe('readUpload and decodeUpload', () => {
  it('gives the delta of an update that fits the round, the plan and the model', async () => {
    const ctx = await context();
    const envelope = await updateEnvelope(plan, site, 2, BASE, constantDelta(global, 0.25));
    const { meta, payload } = await readUpload(envelope, 'site-a', 2, ctx);
    expect(meta.round).toBe(2);
    const delta = decodeUpload(meta, payload, ctx);
    expect(delta.map((t) => [t.name, [...new Set(t.values)]])).toEqual(global.map((t) => [t.name, [0.25]]));
  });

  it('refuses in the documented order: the path first, then secure aggregation, the signer, the plan', async () => {
    const ctx = await context();
    const code = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code: string }) => e.code);
    const other = await updateEnvelope(plan, { siteId: 'site-b' } as TestSite, 3, BASE, constantDelta(global, 0), { planHash: 'f'.repeat(64) });
    expect(await code(readUpload(other, 'site-a', 2, ctx))).toBe('ROUND_PATH_MISMATCH');
    const secure = testPlan({ rounds: 3, privacy: { secureAggregation: { enabled: true } } });
    expect(await code(readUpload(other, 'site-a', undefined, { ...ctx, plan: secure }))).toBe('SECAGG_REQUIRED');
    expect(await code(readUpload(other, 'site-a', undefined, ctx))).toBe('UPDATE_SITE_MISMATCH');
    expect(await code(readUpload(other, 'site-b', undefined, ctx))).toBe('PLAN_MISMATCH');
  });

  it('refuses an update trained from another model, and one whose local model is not finite', async () => {
    const ctx = await context();
    const stale = await readUpload(await updateEnvelope(plan, site, 2, 'c'.repeat(64), constantDelta(global, 0.1)), 'site-a', 2, ctx);
    expect(() => decodeUpload(stale.meta, stale.payload, ctx)).toThrow(expect.objectContaining({ code: 'UPDATE_BASE_MISMATCH' }));
    const huge = await readUpload(await updateEnvelope(plan, site, 2, BASE, constantDelta(global, 3e38)), 'site-a', 2, ctx);
    const big = { ...ctx, globalWeights: constantDelta(global, 3e38) };
    expect(() => decodeUpload(huge.meta, huge.payload, big)).toThrow(expect.objectContaining({ code: 'UPDATE_NONFINITE' }));
  });
});
