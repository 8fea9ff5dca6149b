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
import type { WeightSet } from '../core/types/weights.ts';
import { dataPaths, type RunningCoordinator } from './startCoordinator.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import {
  constantDelta, globalWeights, joinSite, operatorStatusOf, startTestCoordinator, tempDir, testPlan, type TestSite,
} from './testing/testFederation.ts';

interface AtMasked {
  readonly coord: RunningCoordinator;
  readonly dir: string;
  /** A, B, C */
  readonly sites: readonly [TestSite, TestSite, TestSite];
  readonly clients: readonly SecAggClient[];
  readonly global: WeightSet;
  /** C's masked input, uploaded, then C revoked */
  readonly cUploadHash: string;
}

/**
 * A one-round secure federation of sites A, B, C (of these weights) that advertised and shared
 * keys; C uploaded its masked input of `cValue` (then `beforeRevoke` ran) and was then revoked.
 * Closed and removed after `run`.
 */
async function withCRevokedAfterUpload(
  weights: readonly number[], cValue: number, run: (f: AtMasked) => Promise<void>, beforeRevoke?: (dir: string, cUploadHash: string) => void,
): Promise<void> {
  const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
  const dir = tempDir();
  const coord = await startTestCoordinator(plan, dir.path);
  try {
    const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B'), await joinSite(coord, 'C')] as const;
    const global = await globalWeights(sites[0], (await sites[0].client.round()).globalModelHash);
    const clients = await Promise.all(sites.map((x, i) => SecAggClient.create(x.siteId, 1, weights[i]!)));
    for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
    const roster = SecAggRosterSchema.parse((await sites[0].client.secAggWait(1, 'roster', 5)).message);
    for (const [i, x] of sites.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
    for (const [i, x] of sites.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
    const up = await sites[2].client.secAggMasked(1, await clients[2]!.maskedInput(constantDelta(global, cValue)));
    expect(up.status).toBe('accepted');
    beforeRevoke?.(dir.path, up.uploadHash);
    const store = new SqliteStore(dataPaths(dir.path).db);
    try {
      expect(await store.revokeSite(sites[2].siteId, Date.now())).toBeTruthy();
    } finally {
      await store.close();
    }
    await run({ coord, dir: dir.path, sites, clients, global, cUploadHash: up.uploadHash });
  } finally {
    await coord.close();
    dir.remove();
  }
}

/** every weight of `result` is the one of `global` plus `delta` (up to quantisation) */
function movedBy(result: WeightSet, global: WeightSet, delta: number): boolean {
  const g = flatten(global);
  return flatten(result).every((x, k) => Math.abs(x - (g[k]! + delta)) < 1e-6);
}

describe('a site revoked after its masked input was accepted', () => {
  it('is taken out of the secure sum and dropped: the round averages the others, and its self mask is never asked for', async () => {
    const value = [0.01, 0.02, 0.4];
    const weight = [1, 2, 3];
    await withCRevokedAfterUpload(weight, value[2]!, async ({ coord, dir, sites: [a, b, c], clients, global, cUploadHash }) => {
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
      expect(movedBy(await globalWeights(a, done.globalModelHash), global, mean)).toBe(true);
      const status = await operatorStatusOf(coord);
      expect(status.rounds[0]!.summary).toMatchObject({ secureAggregation: { survivors: [a.siteId, b.siteId].sort(), dropped: [c.siteId] } });
      expect(status.rounds[0]!.updates.map((u) => u.siteId).sort()).toEqual([a.siteId, b.siteId].sort());
      const audit = new SqliteStore(dataPaths(dir).db);
      try {
        const withdrawn = await audit.auditLog({ action: 'update-withdrawn' });
        expect(withdrawn.map((e) => [e.siteId, e.round, (e.detail as { maskedInput: string }).maskedInput])).toEqual([[c.siteId, 1, cUploadHash]]);
      } finally {
        await audit.close();
      }
    });
  });

  it('starts the attempt over when its masked input cannot be read back, and completes without it', async () => {
    // C's stored input is gone (a damaged disk) before it is revoked: it cannot be subtracted from the sum
    const damage = (dir: string, hash: string) => new BlobStore(dataPaths(dir).blobs).remove(hash);
    await withCRevokedAfterUpload([1, 1, 1], 0.4, async ({ coord, sites: [a, b], global }) => {
      // the round clock's next decision finds C revoked
      await expect.poll(async () => (await operatorStatusOf(coord)).notice, { timeout: 5000 })
        .toMatch(/masked input of .* could not be read back .* starting the round's secure aggregation over/);
      // A and B start over without C; the round averages them
      await Promise.all([a, b].map((x, i) => secureUpload({ client: x.client, siteId: x.siteId, round: 1, weight: 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 1 })));
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      expect(movedBy(await globalWeights(a, done.globalModelHash), global, 0.015)).toBe(true);
      expect((await operatorStatusOf(coord)).rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 1, survivors: [a.siteId, b.siteId].sort(), dropped: [] } });
    }, damage);
  });
});
