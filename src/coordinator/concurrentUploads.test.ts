/**
 * Uploads that race: one site sending several different updates at once gets one accepted
 * and the others UPDATE_CONFLICT, and no blob is left behind for a refused one; a site
 * revoked (from another process, as `fedseg invite --revoke` does) after its request's
 * signature was checked has its update refused, not recorded.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, type RunningCoordinator } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { constantDelta, globalWeights, joinSite, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1, stragglers: { minSites: 3, roundDeadlineSeconds: 3600 } });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let sites: TestSite[];

beforeAll(async () => {
  dir = tempDir();
  coord = await startTestCoordinator(plan, join(dir.path, 'data'));
  sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')];
});

afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

/** every blob file (models and uploads) */
function blobFiles(): string[] {
  const root = dataPaths(join(dir.path, 'data')).blobs;
  return readdirSync(root).filter((d) => d !== 'tmp').flatMap((d) => readdirSync(join(root, d)));
}

async function envelope(site: TestSite, value: number): Promise<Uint8Array> {
  const round = await site.client.round();
  return updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(await globalWeights(site, round.globalModelHash), value));
}

describe('uploads that race', () => {
  it('eight different updates of one site at once: one accepted, seven UPDATE_CONFLICT, one blob', async () => {
    const before = blobFiles().length;
    const bodies = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => envelope(sites[0]!, 0.001 * i)));
    // into the federation at once (over HTTP a site has only two uploads taken at a time)
    const answers = await Promise.all(bodies.map((b) => coord.federation.submitUpdate(sites[0]!.siteId, b, 1).then((r) => r.status, (e: { code: string }) => e.code)));
    expect(answers.sort()).toEqual(['UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'UPDATE_CONFLICT', 'accepted']);
    expect(blobFiles().length).toBe(before + 1);
    // over HTTP: the same one accepted; the others refused, as conflicts or, past two at once, TOO_MANY_WAITING to retry
    const again = await Promise.all(bodies.map((b) => sendUpdate(coord.url, sites[0]!, 1, b)));
    const codes = again.map((a) => (a.status === 200 ? a.json.status : a.json.error.code));
    expect(codes.filter((x) => x === 'accepted' || x === 'duplicate').length).toBeLessThanOrEqual(1);
    expect(codes.every((x) => ['duplicate', 'UPDATE_CONFLICT', 'TOO_MANY_WAITING'].includes(x))).toBe(true);
    expect(blobFiles().length).toBe(before + 1);
  });

  it("refuses the update of a site revoked after its request's signature was checked, and keeps no blob of it", async () => {
    const body = await envelope(sites[1]!, 0.002);
    const before = blobFiles().length;
    // the operator revokes B from the command line (another connection to the database)
    const cli = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
    expect(await cli.revokeSite(sites[1]!.siteId, Date.now())).toBe(true);
    await cli.close();
    // the request had passed its signature check before that: it reaches the federation
    await expect(coord.federation.submitUpdate(sites[1]!.siteId, body, 1)).rejects.toMatchObject({ code: 'SITE_REVOKED', status: 403 });
    expect(blobFiles().length).toBe(before);
    const status = await coord.federation.roundStatus();
    expect(status.reportedSites).toBe(1);
  });
});
