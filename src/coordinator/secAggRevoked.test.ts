/**
 * A site revoked (`fedseg invite --revoke`: another process, the same database) after its
 * masked input was accepted, while the round's masked uploads are still open: its input is
 * taken out of the secure sum and it is dropped, so the survivors reveal its mask key's
 * shares and never its self mask's: the round averages the others, and its update stays
 * hidden. An input that cannot be read back (to be subtracted) starts the round's secure
 * aggregation over without the site. Real HTTP on loopback, real SQLite, real WebCrypto.
 */
import { describe, expect, it } from 'vitest';
import { flatten } from '../core/codecs/payloadBytes.ts';
import { SecAggClient } from '../core/privacy/secAggClient.ts';
import { SecAggRosterSchema, SecAggSharesForSchema, SecAggUnmaskRequestSchema } from '../core/privacy/secAggMessages.ts';
import { secureUpload } from '../core/protocol/client/secureUpload.ts';
import { dataPaths } from './startCoordinator.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, startTestCoordinator, tempDir, testPlan } from './testing/testFederation.ts';

describe('a site revoked after its masked input was accepted', () => {
  it('is taken out of the secure sum and dropped: the round averages the others, and its self mask is never asked for', async () => {
    const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
    const dir = tempDir();
    const coord = await startTestCoordinator(plan, dir.path);
    try {
      const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')];
      const [a, b, c] = sites as [typeof sites[0], typeof sites[0], typeof sites[0]];
      const global = await globalWeights(a, (await a.client.round()).globalModelHash);
      const value = [0.01, 0.02, 0.4];
      const weight = [1, 2, 3];
      const clients = await Promise.all(sites.map((x, i) => SecAggClient.create(x.siteId, 1, weight[i]!)));
      for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
      const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
      for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
      for (const [i, x] of sites.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
      // C uploads first and is then revoked
      const cUpload = await c.client.secAggMasked(1, await clients[2]!.maskedInput(constantDelta(global, value[2]!)));
      expect(cUpload.status).toBe('accepted');
      const store = new SqliteStore(dataPaths(dir.path).db);
      try {
        expect(await store.revokeSite(c.siteId, Date.now())).toBeTruthy();
      } finally {
        await store.close();
      }
      // A and B upload: the unmask request names C as dropped, so they answer with C's mask key shares
      await Promise.all([a, b].map(async (x, i) => {
        await x.client.secAggMasked(1, await clients[i]!.maskedInput(constantDelta(global, value[i]!)));
        const req = SecAggUnmaskRequestSchema.parse((await x.client.secAggWait(1, 'unmask', 10)).message);
        expect(req).toMatchObject({ survivors: [a.siteId, b.siteId].sort(), dropped: [c.siteId] });
        const answer = clients[i]!.unmask(req);
        expect(answer.selfMaskShares.map((s) => s.of)).not.toContain(c.siteId);
        await x.client.secAggPost(1, 'unmask', answer);
      }));
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      // (1 * 0.01 + 2 * 0.02) / 3; with C's 0.4 averaged in it would be 0.21
      const mean = (weight[0]! * value[0]! + weight[1]! * value[1]!) / (weight[0]! + weight[1]!);
      const result = flatten(await globalWeights(a, done.globalModelHash));
      const expected = flatten(global).map((x) => x + mean);
      expect(result.every((x, k) => Math.abs(x - expected[k]!) < 1e-6)).toBe(true);
      const status = await operatorStatusOf(coord);
      expect(status.rounds[0]!.summary).toMatchObject({ secureAggregation: { survivors: [a.siteId, b.siteId].sort(), dropped: [c.siteId] } });
      expect(status.rounds[0]!.updates.map((u) => u.siteId).sort()).toEqual([a.siteId, b.siteId].sort());
      const audit = new SqliteStore(dataPaths(dir.path).db);
      try {
        const withdrawn = await audit.auditLog({ action: 'update-withdrawn' });
        expect(withdrawn.map((e) => [e.siteId, e.round, (e.detail as { maskedInput: string }).maskedInput])).toEqual([[c.siteId, 1, cUpload.uploadHash]]);
      } finally {
        await audit.close();
      }
    } finally {
      await coord.close();
      dir.remove();
    }
  });

  it('starts the attempt over when its masked input cannot be read back, and completes without it', async () => {
    const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
    const dir = tempDir();
    const coord = await startTestCoordinator(plan, dir.path);
    try {
      const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')];
      const [a, b, c] = sites as [typeof sites[0], typeof sites[0], typeof sites[0]];
      const global = await globalWeights(a, (await a.client.round()).globalModelHash);
      const clients = await Promise.all(sites.map((x) => SecAggClient.create(x.siteId, 1, 1)));
      for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
      const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
      for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
      for (const [i, x] of sites.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
      const cUpload = await c.client.secAggMasked(1, await clients[2]!.maskedInput(constantDelta(global, 0.4)));
      const store = new SqliteStore(dataPaths(dir.path).db);
      try {
        await store.revokeSite(c.siteId, Date.now());
      } finally {
        await store.close();
      }
      // C's stored input is gone (a damaged disk): it cannot be subtracted from the sum
      new BlobStore(dataPaths(dir.path).blobs).remove(cUpload.uploadHash);
      await a.client.secAggMasked(1, await clients[0]!.maskedInput(constantDelta(global, 0.01)));
      await expect.poll(async () => (await operatorStatusOf(coord)).notice, { timeout: 5000 }).toMatch(/masked input of .* could not be read back .* starting the round's secure aggregation over/);
      // A and B start over without C; the round averages them
      await Promise.all([a, b].map((x, i) => secureUpload({ client: x.client, siteId: x.siteId, round: 1, weight: 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 1 })));
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      const result = flatten(await globalWeights(a, done.globalModelHash));
      const expected = flatten(global).map((x) => x + 0.015);
      expect(result.every((x, k) => Math.abs(x - expected[k]!) < 1e-6)).toBe(true);
      expect((await operatorStatusOf(coord)).rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 1, survivors: [a.siteId, b.siteId].sort(), dropped: [] } });
    } finally {
      await coord.close();
      dir.remove();
    }
  });
});
