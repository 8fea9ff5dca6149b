/**
 * A secure-aggregation session after it started over: a message that belongs to the attempt
 * before (a site still computing its masked input when the restart came) is answered
 * SECAGG_NOT_IN_ROUND, which tells the site to start again, not SECAGG_PHASE, which would
 * make it sit out the very attempt the restart is for.
 */
import { describe, expect, it } from 'vitest';
import { randomWeights } from '../core/aggregation/testWeights.ts';
import { SecAggClient } from '../core/privacy/secAggClient.ts';
import { specOf } from '../core/protocol/weightSpec.ts';
import { SecAggSession } from './secAggSession.ts';

const SHAPES = [[5], [2, 2]];
const spec = specOf(randomWeights(0, 1, SHAPES));
const PHASE_MS = 1000;

describe('SecAggSession after a restart', () => {
  it("answers the earlier attempt's late messages with SECAGG_NOT_IN_ROUND, and a member's early one with SECAGG_PHASE", async () => {
    let now = 0;
    const session = new SecAggSession({ round: 1, spec, clipRange: 0.5, thresholdFraction: 2 / 3, minSites: 3, phaseMs: PHASE_MS, now, equalWeights: false, maxWeight: 100 });
    const ids = ['a', 'b', 'c'];
    const active = new Set(ids);
    const clients = await Promise.all(ids.map((id) => SecAggClient.create(id, 1, 1)));
    for (const c of clients) session.advertise(c.siteId, await c.advertise());
    expect(session.decide(now, active)).toEqual({ kind: 'advanced', phase: 'shares' });
    const roster = session.roster('a')!;
    for (const c of clients) session.shares(c.siteId, await c.shareKeys(roster));
    expect(session.decide(now, active)).toEqual({ kind: 'advanced', phase: 'masked' });
    for (const c of clients) await c.receiveShares(session.sharesFor(c.siteId)!);
    // only a uploads before the deadline: too few, so the session starts over
    const masked = await Promise.all(clients.map((c) => c.maskedInput(randomWeights(3, 0.1, SHAPES))));
    expect(session.checkMasked('a', 'ha')).toBe('new');
    session.masked('a', masked[0]!, 'ha', 'blob-a');
    now += PHASE_MS;
    expect(session.decide(now, active)).toMatchObject({ kind: 'restart' });
    // b's masked input of the attempt before arrives now
    expect(() => session.checkMasked('b', 'hb')).toThrow(expect.objectContaining({ code: 'SECAGG_NOT_IN_ROUND', message: expect.stringContaining('site "b" sent a masked input') }));
    // and a's shares of that attempt, resent
    expect(() => session.shares('a', { siteId: 'a', sealed: [] })).toThrow(expect.objectContaining({ code: 'SECAGG_NOT_IN_ROUND' }));
    // a site that advertised in this attempt and sends too early still hears the phase
    const fresh = await SecAggClient.create('a', 1, 1);
    session.advertise('a', await fresh.advertise());
    expect(() => session.shares('a', { siteId: 'a', sealed: [] })).toThrow(expect.objectContaining({ code: 'SECAGG_PHASE' }));
  });
});
