/**
 * Under secure aggregation, a site that stopped taking part (Stop in the page) is not
 * waited for, phase by phase: missing from a phase, it is a site that dropped out there,
 * which the protocol survives. Stopped before it advertised keys, the roster leaves it out
 * at once (not at the phase's deadline, here 10 minutes away). Stopped after its masked
 * upload, its input still counts, as a plain update sent before Stop does: the unmask
 * request names it a survivor and the round averages all three. Stopped after sharing its
 * keys and started again, it is not waited for again in that attempt (its keys died with
 * its run): the others go on without it. A masked input sent again after the round closed
 * with it is a duplicate, not ROUND_CLOSED, and so is its late unmask answer. Real HTTP on loopback,
 * real SQLite, real WebCrypto.
 */
import { describe, expect, it } from 'vitest';
import { flatten } from '../core/codecs/payloadBytes.ts';
import { SecAggClient } from '../core/privacy/secAggClient.ts';
import { SecAggRosterSchema, SecAggSharesForSchema, SecAggUnmaskRequestSchema } from '../core/privacy/secAggMessages.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { coordinatorPerTest } from './testing/coordinatorPerTest.ts';
import { constantDelta, globalWeights, joinSite, testPlan, type TestSite } from './testing/testFederation.ts';

// a phase deadline far beyond the test's timeout: each phase must close because every site it waits for answered
const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 600 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });

/** every weight of `result` is the one of `global` plus `delta` (up to quantisation) */
function movedBy(result: WeightSet, global: WeightSet, delta: number): boolean {
  const g = flatten(global);
  return flatten(result).every((x, k) => Math.abs(x - (g[k]! + delta)) < 1e-6);
}

describe('secure aggregation and a site that stopped taking part', () => {
  const fed = coordinatorPerTest(plan, 'fedseg-secagg-stop-');

  /** A, B, C joined; each site's SecAggClient of weight 1 */
  async function threeSites(): Promise<{ sites: readonly [TestSite, TestSite, TestSite]; clients: SecAggClient[]; global: WeightSet }> {
    const coord = fed.coord;
    const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')] as const;
    const global = await globalWeights(sites[0], (await sites[0].client.round()).globalModelHash);
    const clients = await Promise.all(sites.map((x) => SecAggClient.create(x.siteId, 1, 1)));
    return { sites, clients, global };
  }

  /** `these` share keys, receive their shares, upload masked inputs of `values` and answer the unmask request */
  async function completeRound(these: readonly TestSite[], clients: readonly SecAggClient[], global: WeightSet, values: readonly number[], expectSurvivors: readonly string[]): Promise<void> {
    const roster = SecAggRosterSchema.parse((await these[0]!.client.secAggWait(1, 'roster', 5)).message);
    for (const [i, x] of these.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
    for (const [i, x] of these.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
    for (const [i, x] of these.entries()) expect((await x.client.secAggMasked(1, await clients[i]!.maskedInput(constantDelta(global, values[i]!)))).status).toBe('accepted');
    for (const [i, x] of these.entries()) {
      const req = SecAggUnmaskRequestSchema.parse((await x.client.secAggWait(1, 'unmask', 5)).message);
      expect(req.survivors).toEqual([...expectSurvivors].sort());
      await x.client.secAggPost(1, 'unmask', clients[i]!.unmask(req));
    }
  }

  it('leaves a site that stopped before advertising keys out of the roster at once, and completes without it', async () => {
    const { sites: [a, b, c], clients, global } = await threeSites();
    await c.client.setParticipation(false);
    expect((await a.client.round()).expectedSites).toBe(2);
    for (const [i, x] of [a, b].entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
    // the roster is out without waiting for C (its deadline is 10 minutes away)
    const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
    expect(roster.sites.map((s) => s.siteId).sort()).toEqual([a.siteId, b.siteId].sort());
    await completeRound([a, b], clients, global, [0.01, 0.03], [a.siteId, b.siteId]);
    const done = await a.client.waitForRound(1, 10);
    expect(done.finished).toBe(true);
    expect(movedBy(await globalWeights(a, done.globalModelHash), global, 0.02)).toBe(true);
  });

  it('does not wait again for a site that stopped after sharing its keys and took part again: its keys died with its run', async () => {
    const { sites: [a, b, c], clients, global } = await threeSites();
    const all = [a, b, c] as const;
    for (const [i, x] of all.entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
    const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
    for (const [i, x] of all.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
    for (const [i, x] of all.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
    // C stops, and starts again at once: a new run, with new keys, that this attempt cannot use
    await c.client.setParticipation(false);
    await c.client.setParticipation(true);
    expect((await c.client.secAggPost(1, 'advertise', await (await SecAggClient.create(c.siteId, 1, 1)).advertise()).catch((e: unknown) => e))).toMatchObject({ code: 'SECAGG_DUPLICATE' });
    for (const [i, x] of [a, b].entries()) await x.client.secAggMasked(1, await clients[i]!.maskedInput(constantDelta(global, [0.01, 0.03][i]!)));
    // the masked phase closes on A and B without waiting for C (its deadline is 10 minutes away): C is dropped
    for (const [i, x] of [a, b].entries()) {
      const req = SecAggUnmaskRequestSchema.parse((await x.client.secAggWait(1, 'unmask', 5)).message);
      expect({ survivors: req.survivors, dropped: req.dropped }).toEqual({ survivors: [a.siteId, b.siteId].sort(), dropped: [c.siteId] });
      await x.client.secAggPost(1, 'unmask', clients[i]!.unmask(req));
    }
    const done = await a.client.waitForRound(1, 10);
    expect(done.finished).toBe(true);
    expect(movedBy(await globalWeights(a, done.globalModelHash), global, 0.02)).toBe(true);
  });

  it('counts the masked input a site sent before it stopped, without waiting for its unmask answer', async () => {
    const { sites: [a, b, c], clients, global } = await threeSites();
    for (const [i, x] of [a, b, c].entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
    const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
    const all = [a, b, c] as const;
    for (const [i, x] of all.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
    for (const [i, x] of all.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
    const values = [0.01, 0.02, 0.06];
    const cMasked = await clients[2]!.maskedInput(constantDelta(global, values[2]!));
    expect((await c.client.secAggMasked(1, cMasked)).status).toBe('accepted');
    await c.client.setParticipation(false);
    for (const [i, x] of [a, b].entries()) await x.client.secAggMasked(1, await clients[i]!.maskedInput(constantDelta(global, values[i]!)));
    const cRequest = SecAggUnmaskRequestSchema.parse((await c.client.secAggWait(1, 'unmask', 5)).message);
    // the unmask phase asks A and B only, and C is a survivor whose self mask they reveal
    for (const [i, x] of [a, b].entries()) {
      const req = SecAggUnmaskRequestSchema.parse((await x.client.secAggWait(1, 'unmask', 5)).message);
      expect({ survivors: req.survivors, dropped: req.dropped }).toEqual({ survivors: [a.siteId, b.siteId, c.siteId].sort(), dropped: [] });
      await x.client.secAggPost(1, 'unmask', clients[i]!.unmask(req));
    }
    const done = await a.client.waitForRound(1, 10);
    expect(done.finished).toBe(true);
    expect(movedBy(await globalWeights(a, done.globalModelHash), global, 0.03)).toBe(true);
    // C's masked input sent again once the round closed (as a site whose answer was lost does): counted, so a duplicate;
    // and so is its late unmask answer: the round closed with its input
    expect(await c.client.secAggMasked(1, cMasked)).toMatchObject({ status: 'duplicate', uploadHash: expect.any(String) });
    expect(await c.client.secAggPost(1, 'unmask', clients[2]!.unmask(cRequest))).toMatchObject({ status: 'duplicate', phase: 'done' });
    const other = cMasked.slice();
    other[0] = other[0]! ^ 1;
    await expect(c.client.secAggMasked(1, other)).rejects.toMatchObject({ code: 'ROUND_CLOSED' });
  });
});
