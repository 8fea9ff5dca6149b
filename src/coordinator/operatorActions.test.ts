/**
 * The operator's actions over HTTP (POST /invites, POST /sites/<id>/revoke), with the
 * operator token: refused without it or with a bad request, changing nothing then; an
 * invite a site can join with; a revocation the open round acts on at once.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolClient } from '../core/protocol/client/protocolClient.ts';
import { generateSiteKeyPair } from '../core/protocol/signing.ts';
import { coordinatorPerTest } from './testing/coordinatorPerTest.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { dataPaths } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, send, sendUpdate, testPlan, updateEnvelope } from './testing/testFederation.ts';

describe('the operator\'s actions over HTTP', () => {
  const plan = testPlan({ federation: 'operator actions', rounds: 2, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
  const fed = coordinatorPerTest(plan, 'fedseg-operator-actions-');
  const asOperator = (token: string) => new ProtocolClient({ baseUrl: fed.coord.url, retry: { attempts: 1 } }).invite(token, 'Hospital C');
  const post = (path: string, body: unknown, token: string | null) => send(fed.coord.url, {
    method: 'POST', path: `/api/v1${path}`, body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)), contentType: 'application/json',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });


  it('makes a one-time invite that a site joins with, named and audited', async () => {
    const invite = await asOperator(fed.coord.operatorToken);
    expect(invite.siteName).toBe('Hospital C');
    expect((await operatorStatusOf(fed.coord)).sites).toMatchObject([{ id: invite.siteId, name: 'Hospital C', status: 'invited' }]);
    const client = new ProtocolClient({ baseUrl: fed.coord.url, retry: { attempts: 1 } });
    const joined = await client.join(invite.token, await generateSiteKeyPair(), (await client.plan()).planHash, { kind: 'node' });
    expect(joined.siteId).toBe(invite.siteId);
    expect((await operatorStatusOf(fed.coord)).sites[0]!.status).toBe('active');
    // the name is trimmed, as `fedseg invite --site` takes it
    const r = await post('/invites', { siteName: '  Hospital D ' }, fed.coord.operatorToken);
    expect([r.status, r.json.siteName]).toEqual([201, 'Hospital D']);
    const store = new SqliteStore(dataPaths(fed.dataDir).db);
    try {
      const invited = (await store.auditLog({ limit: 20 })).filter((e) => e.action === 'invited').map((e) => e.detail.name);
      expect(invited.sort()).toEqual(['Hospital C', 'Hospital D']);
    } finally {
      await store.close();
    }
  });

  it('refuses an invite without the token, with a wrong one or a bad request, and invites nobody then', async () => {
    const cases: [string | Record<string, unknown>, string | null, number, string][] = [
      [{ siteName: 'A' }, null, 401, 'OPERATOR_TOKEN_MISSING'],
      [{ siteName: 'A' }, 'A'.repeat(43), 403, 'OPERATOR_TOKEN_INVALID'],
      [{ siteName: '   ' }, fed.coord.operatorToken, 400, 'MESSAGE_INVALID'],
      [{ siteName: 'x'.repeat(201) }, fed.coord.operatorToken, 400, 'MESSAGE_INVALID'],
      [{ siteName: 'A', admin: true }, fed.coord.operatorToken, 400, 'MESSAGE_INVALID'],
      ['{not json', fed.coord.operatorToken, 400, 'BAD_JSON'],
    ];
    for (const [body, token, status, code] of cases) {
      const r = await post('/invites', body, token);
      expect([r.status, r.json.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const blank = await post('/invites', { siteName: '   ' }, fed.coord.operatorToken);
    expect(blank.json.error.message).toContain('siteName');
    expect((await operatorStatusOf(fed.coord)).sites).toEqual([]);
  });

  it('revokes a site: the open round stops waiting for it at once, its requests are refused, and twice is no error', async () => {
    const a = await joinSite(fed.coord, 'Hospital A');
    const b = await joinSite(fed.coord, 'Hospital B');
    const round = await a.client.round();
    const body = await updateEnvelope(plan, a, 1, round.globalModelHash, constantDelta(await globalWeights(a, round.globalModelHash), 0.01));
    expect((await sendUpdate(fed.coord.url, a, 1, body)).status).toBe(200);
    // round 1 waits for B, whose deadline is 10 minutes away
    expect((await a.client.round()).round).toBe(1);

    expect((await post(`/sites/${b.siteId}/revoke`, {}, 'A'.repeat(43))).status).toBe(403);
    expect((await operatorStatusOf(fed.coord)).sites.find((s) => s.id === b.siteId)?.status).toBe('active');

    const before = Date.now();
    const revoked = await new ProtocolClient({ baseUrl: fed.coord.url, retry: { attempts: 1 } }).revoke(fed.coord.operatorToken, b.siteId);
    expect(revoked).toEqual({ siteId: b.siteId, status: 'revoked', alreadyRevoked: false });
    // the operator sees when (a second revocation, below, does not move it)
    const revokedAt = (await operatorStatusOf(fed.coord)).sites.find((s) => s.id === b.siteId)!.revokedAt!;
    expect(revokedAt).toBeGreaterThanOrEqual(before);
    // the round closed on A's update alone, without waiting for the round clock
    expect((await a.client.round()).round).toBe(2);
    await expect(b.client.me()).rejects.toMatchObject({ code: 'SITE_REVOKED' });
    expect((await post(`/sites/${b.siteId}/revoke`, {}, fed.coord.operatorToken)).json).toEqual({ siteId: b.siteId, status: 'revoked', alreadyRevoked: true });

    const unknown = await post('/sites/no-such-site/revoke', {}, fed.coord.operatorToken);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'UNKNOWN_SITE']);
    expect(unknown.json.error.message).toContain('"no-such-site"');
    expect((await operatorStatusOf(fed.coord)).sites.map((s) => [s.status, s.revokedAt])).toEqual([['active', null], ['revoked', revokedAt]]);
  });
});
