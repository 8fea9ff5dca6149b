/**
 * The plan's strategy as the coordinator runs it: a server optimiser's state (FedAdam's
 * moments) survives a restart, the plan's weighting decides each update's weight, and
 * differential privacy reports the epsilon spent.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../core/protocol/plan.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import type { WeightSet } from '../core/types/weights.ts';
import type { OperatorStatus } from './operatorStatus.ts';
import type { RunningCoordinator } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const dir = tempDir();
afterAll(() => dir.remove());

async function uploadAndWait(c: RunningCoordinator, plan: Plan, site: TestSite, value: number): Promise<void> {
  const round = await site.client.round();
  const global = await globalWeights(site, round.globalModelHash);
  const r = await sendUpdate(c.url, site, round.round, await updateEnvelope(plan, site, round.round, round.globalModelHash, constantDelta(global, value)));
  expect(r.status).toBe(200);
  await site.client.waitForRound(round.round, 10);
}

async function finalModel(c: RunningCoordinator, site: TestSite): Promise<WeightSet> {
  const s = await operatorStatusOf(c);
  return decodeWeightsBlob(await site.client.model(s.current.globalModelHash), { expected: null, kind: 'MODEL' });
}

describe('the coordinator with a stateful strategy', () => {
  it("keeps FedAdam's moments across a restart: the same rounds give the same model", async () => {
    const plan = testPlan({ rounds: 2, aggregation: { strategy: 'fedadam', options: {} } });
    // without a restart
    let c = await startTestCoordinator(plan, join(dir.path, 'straight'));
    let site = await joinSite(c, 'A');
    await uploadAndWait(c, plan, site, 0.01);
    await uploadAndWait(c, plan, site, -0.02);
    const straight = await finalModel(c, site);
    await c.close();
    // with a restart between the rounds (same key, same data folder)
    const data = join(dir.path, 'restarted');
    c = await startTestCoordinator(plan, data);
    site = await joinSite(c, 'A');
    await uploadAndWait(c, plan, site, 0.01);
    await c.close();
    c = await startTestCoordinator(plan, data);
    const { ProtocolClient } = await import('../core/protocol/client/protocolClient.ts');
    site = { ...site, client: new ProtocolClient({ baseUrl: c.url, credentials: { siteId: site.siteId, privateKey: site.privateKey } }) };
    await uploadAndWait(c, plan, site, -0.02);
    const restarted = await finalModel(c, site);
    await c.close();
    expect(restarted.length).toBe(straight.length);
    for (let t = 0; t < straight.length; t++) expect(Array.from(restarted[t]!.values)).toEqual(Array.from(straight[t]!.values));
  });

  it('weighs every site equally under aggregation.weighting "equal", whatever case counts they report', async () => {
    const moveOf = async (weighting: 'samples' | 'equal'): Promise<number> => {
      const plan = testPlan({ rounds: 1, aggregation: { weighting } });
      const c = await startTestCoordinator(plan, join(dir.path, `weighting-${weighting}`));
      const a = await joinSite(c, 'A');
      const b = await joinSite(c, 'B');
      const round = await a.client.round();
      const global = await globalWeights(a, round.globalModelHash);
      for (const [site, value, sampleCount] of [[a, 0.01, 1], [b, 0.03, 3]] as const) {
        const body = await updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(global, value), { sampleCount });
        expect((await sendUpdate(c.url, site, 1, body)).status).toBe(200);
      }
      await a.client.waitForRound(1, 10);
      const next = await finalModel(c, a);
      await c.close();
      return next[0]!.values[0]! - global[0]!.values[0]!;
    };
    expect(await moveOf('equal')).toBeCloseTo(0.02, 6); // (0.01 + 0.03) / 2
    expect(await moveOf('samples')).toBeCloseTo(0.025, 6); // (1 * 0.01 + 3 * 0.03) / 4
  });

  it('survives an update whose square overflows float32 under FedAdagrad: the round closes and the coordinator restarts on its data', async () => {
    const plan = testPlan({ rounds: 2, aggregation: { strategy: 'fedadagrad', options: {} } });
    const data = join(dir.path, 'overflow');
    let c = await startTestCoordinator(plan, data);
    const site = await joinSite(c, 'A');
    await uploadAndWait(c, plan, site, 2e19); // a diverged site: finite, but 4e38 > float32's largest
    await c.close();
    c = await startTestCoordinator(plan, data); // refused with MODEL_NONFINITE when the moments held Infinity
    const s = await operatorStatusOf(c);
    await c.close();
    expect(s.current.round).toBe(2);
  });

  it('reports the epsilon spent under differential privacy', async () => {
    const plan = testPlan({ rounds: 2, privacy: { dp: { enabled: true, epsilon: 4, delta: 1e-5, clipNorm: 1 } } });
    const c = await startTestCoordinator(plan, join(dir.path, 'dp'));
    const site = await joinSite(c, 'A');
    expect((await site.client.round()).epsilonSpent).toBe(0);
    await uploadAndWait(c, plan, site, 0.001);
    const eps1 = (await site.client.round()).epsilonSpent!;
    await uploadAndWait(c, plan, site, 0.001);
    const s = await operatorStatusOf(c);
    await c.close();
    expect(eps1).toBeGreaterThan(0);
    expect(s.epsilonSpent).toBeGreaterThan(eps1);
    expect(s.epsilonSpent).toBeLessThanOrEqual(4 + 1e-9);
    expect(s.rounds[1]!.summary).toMatchObject({ epsilonSpent: s.epsilonSpent });
  });
});
