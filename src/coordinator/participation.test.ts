/**
 * A site that stopped taking part (POST /me/participation, as the page's Stop sends) is
 * not waited for: the open round closes on the others' updates at once, and the next ones
 * do not wait for it, until it takes part again.
 */
import { describe, expect, it } from 'vitest';
import { coordinatorPerTest } from './testing/coordinatorPerTest.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { dataPaths } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, send, sendUpdate, signedHeaders, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

describe('a site that stops taking part', () => {
  const plan = testPlan({ federation: 'participation', rounds: 3, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
  const upload = async (site: TestSite, round: number) => {
    const status = await site.client.round();
    const body = await updateEnvelope(plan, site, round, status.globalModelHash, constantDelta(await globalWeights(site, status.globalModelHash), 0.01));
    expect((await sendUpdate(fed.coord.url, site, round, body)).status).toBe(200);
  };

  const fed = coordinatorPerTest(plan, 'fedseg-participation-');

  it('is not waited for until it takes part again, and the operator sees when it stopped', async () => {
    const a = await joinSite(fed.coord, 'Hospital A');
    const b = await joinSite(fed.coord, 'Hospital B');
    await upload(a, 1);
    expect(await a.client.round()).toMatchObject({ round: 1, expectedSites: 2, reportedSites: 1 });

    await b.client.setParticipation(false);
    // round 1 closed on A's update at once; round 2 expects A alone
    expect(await a.client.round()).toMatchObject({ round: 2, expectedSites: 1 });
    const stopped = (await operatorStatusOf(fed.coord)).sites.find((s) => s.id === b.siteId)!;
    expect(stopped.status).toBe('active');
    expect(stopped.pausedAt).toEqual(expect.any(Number));
    // told twice, nothing more happens
    await b.client.setParticipation(false);
    await upload(a, 2);
    expect((await a.client.round()).round).toBe(3);

    await b.client.setParticipation(true);
    expect(await a.client.round()).toMatchObject({ round: 3, expectedSites: 2 });
    expect((await operatorStatusOf(fed.coord)).sites.find((s) => s.id === b.siteId)!.pausedAt).toBeNull();
    // round 3 waits for B again
    await upload(a, 3);
    expect(await a.client.round()).toMatchObject({ round: 3, reportedSites: 1 });

    const store = new SqliteStore(dataPaths(fed.dataDir).db);
    try {
      expect((await store.auditLog({ siteId: b.siteId })).map((e) => e.action).filter((x) => x === 'paused' || x === 'resumed')).toEqual(['paused', 'resumed']);
    } finally {
      await store.close();
    }
  });

  it('takes the stop a page prepared for its closing tab once, sent as it is by plain fetch', async () => {
    const a = await joinSite(fed.coord, 'Hospital A');
    const prepared = await a.client.preparedStop();
    expect(prepared.url).toBe(`${fed.coord.url}/api/v1/me/participation`);
    const send = () => fetch(prepared.url, { method: prepared.method, headers: prepared.headers, body: prepared.body });
    expect((await send()).status).toBe(200);
    expect((await operatorStatusOf(fed.coord)).sites[0]!.pausedAt).toEqual(expect.any(Number));
    expect(await a.client.round()).toMatchObject({ expectedSites: 0 });
    // a copy sent again (a replay) is refused: the site takes part again, and stays so
    await a.client.setParticipation(true);
    const again = await send();
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([401, 'REPLAYED']);
    expect((await operatorStatusOf(fed.coord)).sites[0]!.pausedAt).toBeNull();
  });

  it('refuses an unsigned or malformed participation message and changes nothing', async () => {
    const a = await joinSite(fed.coord, 'Hospital A');
    const unsigned = await send(fed.coord.url, { method: 'POST', path: '/api/v1/me/participation', body: new TextEncoder().encode('{"participating":false}'), contentType: 'application/json' });
    expect([unsigned.status, unsigned.json.error.code]).toEqual([401, 'SIGNATURE_MISSING']);
    const req = { method: 'POST', path: '/api/v1/me/participation', body: new TextEncoder().encode('{"participating":"no"}'), contentType: 'application/json' };
    const bad = await send(fed.coord.url, { ...req, headers: await signedHeaders(a.siteId, a.privateKey, req) });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'MESSAGE_INVALID']);
    expect((await operatorStatusOf(fed.coord)).sites[0]!.pausedAt).toBeNull();
  });
});
