/**
 * A site revoked (`fedseg invite --revoke`: another process, the same database) after its
 * update was accepted: the update is taken out of the round, live and across a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { dataPaths, startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import {
  constantDelta, globalWeights, joinSite, operatorStatusOf, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope,
} from './testing/testFederation.ts';

const plan = testPlan({ rounds: 2, stragglers: { minSites: 1, roundDeadlineSeconds: 3600 } });

describe('a site revoked after its update was accepted', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function revoke(dir: string, siteId: string): Promise<void> {
    const store = new SqliteStore(dataPaths(dir).db);
    try {
      expect(await store.revokeSite(siteId, Date.now())).toBeTruthy();
    } finally {
      await store.close();
    }
  }

  for (const restart of [false, true]) {
    it(`has its update taken out of the round's model${restart ? ', also after a coordinator restart' : ''}`, async () => {
      const dir = tempDir();
      cleanup.push(() => dir.remove());
      let coord: RunningCoordinator = await startTestCoordinator(plan, dir.path);
      cleanup.push(() => coord.close());
      const a = await joinSite(coord, 'A');
      const b = await joinSite(coord, 'B');
      const round = await a.client.round();
      const g = await globalWeights(a, round.globalModelHash);
      const ra = await sendUpdate(coord.url, a, 1, await updateEnvelope(plan, a, 1, round.globalModelHash, constantDelta(g, 1), { sampleCount: 1 }));
      expect(ra.json.status).toBe('accepted');
      await revoke(dir.path, a.siteId);
      if (restart) {
        // on the same port: the sites' clients know that address
        const port = Number(new URL(coord.url).port);
        await coord.close();
        coord = await startCoordinator({ plan, dataDir: dir.path, port, staticRoot: null, log: () => undefined, clockMs: 50 });
      }
      const rb = await sendUpdate(coord.url, b, 1, await updateEnvelope(plan, b, 1, round.globalModelHash, constantDelta(g, 0), { sampleCount: 1 }));
      expect(rb.json.status).toBe('accepted');
      await expect.poll(async () => (await operatorStatusOf(coord)).rounds[0]!.status, { timeout: 5000 }).toBe('closed');
      const r1 = (await operatorStatusOf(coord)).rounds[0]!;
      expect(r1.summary).toMatchObject({ updates: 1, sites: [b.siteId], ...(restart ? {} : { withdrawn: [a.siteId] }) });
      // B's delta of 0 alone: the global model unchanged (with A's 1 averaged in it would move by 0.5)
      const m = decodeWeightsBlob(await b.client.model(r1.resultModel!), { expected: null, kind: 'MODEL' });
      expect(m[0]!.values[0]).toBeCloseTo(g[0]!.values[0]!, 6);
      if (!restart) {
        const store = new SqliteStore(dataPaths(dir.path).db);
        const withdrawn = await store.auditLog({ action: 'update-withdrawn' });
        await store.close();
        expect(withdrawn.map((e) => [e.siteId, e.round])).toEqual([[a.siteId, 1]]);
      }
    });
  }
});
