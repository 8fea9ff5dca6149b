/**
 * Stragglers: a site that stops mid-round does not hold the federation up. The round
 * closes at its deadline with the sites that reported (at least minSites); with fewer,
 * it is extended and the operator is told why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { l2norm } from '../core/aggregation/weightMath.ts';
import type { OperatorStatus } from './operatorStatus.ts';
import type { RunningCoordinator } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope } from './testing/testFederation.ts';

let dir: ReturnType<typeof tempDir> | null = null;
let coord: RunningCoordinator | null = null;
afterEach(async () => {
  await coord?.close();
  dir?.remove();
  coord = null;
  dir = null;
});

async function status(c: RunningCoordinator): Promise<OperatorStatus> {
  return operatorStatusOf(c);
}

describe('a site that drops out mid-round', () => {
  it('does not stop the round: it closes at the deadline with the others', async () => {
    const plan = testPlan({ rounds: 2, stragglers: { minSites: 2, roundDeadlineSeconds: 1.5 } });
    dir = tempDir();
    coord = await startTestCoordinator(plan, dir.path);
    const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')];
    const round = await sites[0]!.client.round();
    const global = await globalWeights(sites[0]!, round.globalModelHash);
    // C fetches the model and reports its evaluation, then stops (never uploads)
    const c = sites[2]!;
    await c.client.model(round.globalModelHash);
    const { planHash } = await c.client.plan();
    await c.client.reportEvaluation({
      federation: plan.federation, planHash, round: 1, siteId: c.siteId, modelHash: round.globalModelHash, cases: 5,
      dice: { ET: 0.1, TC: 0.2, WT: 0.3 }, hd95: { ET: 9, TC: 8, WT: 7 },
    });
    for (const s of sites.slice(0, 2)) {
      const r = await sendUpdate(coord.url, s, 1, await updateEnvelope(plan, s, 1, round.globalModelHash, constantDelta(global, 0.01)));
      expect(r.status).toBe(200);
    }
    const next = await sites[0]!.client.waitForRound(1, 10);
    expect(next.round).toBe(2);
    const s = await status(coord);
    expect(s.rounds[0]).toMatchObject({ status: 'closed', summary: { reason: 'deadline', updates: 2 } });
    expect(s.rounds[0]!.updates.map((u) => u.siteId).sort()).toEqual([sites[0]!.siteId, sites[1]!.siteId].sort());
    // each update's norm as the coordinator decoded it, for the operator to set a norm bound by
    const norm = l2norm(constantDelta(global, 0.01));
    for (const u of s.rounds[0]!.updates) expect(u.norm).toBeCloseTo(norm, 4);
    // every site made signed requests: each was seen, the straggler too
    for (const site of s.sites) expect(site.lastSeenAt).toBeGreaterThan(Date.now() - 60_000);
    expect(s.rounds[0]!.evaluation).toMatchObject({ cases: 5, sites: 1 });
    // the straggler's late update is refused
    const late = await sendUpdate(coord.url, c, 1, await updateEnvelope(plan, c, 1, round.globalModelHash, constantDelta(global, 0.01)));
    expect(late.json.error.code).toBe('ROUND_CLOSED');
  });

  it('extends a round that reaches its deadline with too few sites, and says so', async () => {
    const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 0.5 } });
    dir = tempDir();
    coord = await startTestCoordinator(plan, dir.path);
    const a = await joinSite(coord, 'A');
    await joinSite(coord, 'B');
    const round = await a.client.round();
    const global = await globalWeights(a, round.globalModelHash);
    await sendUpdate(coord.url, a, 1, await updateEnvelope(plan, a, 1, round.globalModelHash, constantDelta(global, 0.01)));
    await new Promise((r) => setTimeout(r, 1200));
    const s = await status(coord);
    expect(s.current).toMatchObject({ round: 1, state: 'collecting', finished: false });
    expect(s.rounds[0]!.extensions).toBeGreaterThanOrEqual(1);
    expect(s.notice).toMatch(/extended: deadline passed with 1 of the 2 sites needed/);
  });
});
