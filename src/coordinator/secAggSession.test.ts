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

describe('SecAggSession with a site revoked', () => {
  const options = (now: number) => ({ round: 1, spec, clipRange: 0.5, thresholdFraction: 2 / 3, minSites: 2, phaseMs: PHASE_MS, now, equalWeights: false, maxWeight: 100 });

  it('closes a phase once every active site answered, without waiting for the revoked one', async () => {
    const now = 0;
    const session = new SecAggSession(options(now));
    const clients = await Promise.all(['a', 'b', 'c'].map((id) => SecAggClient.create(id, 1, 1)));
    for (const c of clients) session.advertise(c.siteId, await c.advertise());
    expect(session.decide(now, new Set(['a', 'b', 'c']))).toEqual({ kind: 'advanced', phase: 'shares' });
    const roster = session.roster('a')!;
    // c is revoked before it shares its keys: the phase closes with a and b, long before its deadline
    for (const c of clients.slice(0, 2)) session.shares(c.siteId, await c.shareKeys(roster));
    const active = new Set(['a', 'b']);
    expect(session.decide(now, new Set(['a', 'b', 'c']))).toEqual({ kind: 'wait' });
    expect(session.decide(now, active)).toEqual({ kind: 'advanced', phase: 'masked' });
    for (const c of clients.slice(0, 2)) await c.receiveShares(session.sharesFor(c.siteId)!);
    const masked = await Promise.all(clients.slice(0, 2).map((c) => c.maskedInput(randomWeights(5, 0.1, SHAPES))));
    masked.forEach((m, i) => session.masked(clients[i]!.siteId, m, `h${i}`, `blob${i}`));
    expect(session.decide(now, active)).toEqual({ kind: 'advanced', phase: 'unmask' });
    // b is revoked after the unmask request: a's one answer is below the threshold of 2, so the
    // phase cannot close; with nobody left to wait for, it starts over at its deadline
    const req = session.unmaskRequest('a')!;
    expect(req.survivors).toEqual(['a', 'b']);
    session.unmaskResponse('a', clients[0]!.unmask(req));
    expect(session.decide(now, new Set(['a']))).toEqual({ kind: 'wait' });
    expect(session.decide(now + PHASE_MS, new Set(['a']))).toMatchObject({ kind: 'restart' });
  });

  it('finishes the unmasking once the active survivors answered, a revoked survivor staying in the sum', async () => {
    const now = 0;
    const session = new SecAggSession({ ...options(now), minSites: 2, thresholdFraction: 0.6 });
    const ids = ['a', 'b', 'c'];
    const clients = await Promise.all(ids.map((id) => SecAggClient.create(id, 1, 1)));
    const all = new Set(ids);
    for (const c of clients) session.advertise(c.siteId, await c.advertise());
    session.decide(now, all);
    const roster = session.roster('a')!;
    for (const c of clients) session.shares(c.siteId, await c.shareKeys(roster));
    session.decide(now, all);
    for (const c of clients) await c.receiveShares(session.sharesFor(c.siteId)!);
    const updates = ids.map((_, i) => randomWeights(7 + i, 0.1, SHAPES));
    const masked = await Promise.all(clients.map((c, i) => c.maskedInput(updates[i]!)));
    masked.forEach((m, i) => session.masked(ids[i]!, m, `h${i}`, `blob${i}`));
    expect(session.decide(now, all)).toEqual({ kind: 'advanced', phase: 'unmask' });
    // c is revoked now: too late to take its input out; a and b (the threshold, 2) answer and the round finishes at once
    const req = session.unmaskRequest('a')!;
    for (const c of clients.slice(0, 2)) session.unmaskResponse(c.siteId, c.unmask(req));
    expect(session.decide(now, new Set(['a', 'b']))).toEqual({ kind: 'finish' });
    expect(session.withdrawMasked('c', masked[2]!)).toBe(false);
    const result = await session.finish();
    expect(result.survivors).toEqual(['a', 'b', 'c']);
  });
});

