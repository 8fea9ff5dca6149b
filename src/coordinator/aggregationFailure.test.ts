/**
 * A round whose aggregation fails (here: the disk is full, so the model blob and then the
 * status write fail) is retried once the disk has room, and the retry gives the model the
 * round would have given: FedAdam's moments are not advanced twice, the aggregate is fed
 * again. Under secure aggregation the retry uses the unmasked mean it already has, rather
 * than a second run of the secure aggregation over the same updates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { exportPublicJwk, generateSiteKeyPair } from '../core/protocol/signing.ts';
import { secureUpload } from '../core/protocol/client/secureUpload.ts';
import { flatten } from '../core/codecs/payloadBytes.ts';
import type { OperatorStatus } from './operatorStatus.ts';
import { openFillableFederation } from './testing/fillableDisk.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, tempDir, testPlan, updateEnvelope } from './testing/testFederation.ts';
import { startCoordinator, type RunningCoordinator } from './startCoordinator.ts';

const dir = tempDir();
afterAll(() => dir.remove());

describe('a failed aggregation, retried', () => {
  const plan = testPlan({ rounds: 2, aggregation: { strategy: 'fedadam', options: { eta: 0.1 } }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });

  /** Two rounds of one site's constant updates; the first aggregation meets a full disk when `fill`. */
  async function finalModel(name: string, fill: boolean): Promise<Float32Array> {
    let clock = 1_000_000;
    const { federation: f, disk, log, invite, close } = await openFillableFederation(plan, `${dir.path}/${name}`, () => clock);
    const keys = await generateSiteKeyPair();
    const { siteId } = await f.join({ inviteToken: (await invite('A')).token, planHash: f.planHash, publicKeyJwk: await exportPublicJwk(keys.publicKey) });
    const site = { siteId, client: null as never, privateKey: keys.privateKey };
    for (const [round, value] of [[1, 0.01], [2, -0.02]] as const) {
      const status = await f.roundStatus();
      const global = decodeWeightsBlob(await f.model(status.globalModelHash), { expected: f.spec, kind: 'MODEL' });
      const envelope = await updateEnvelope(plan, site, round, status.globalModelHash, constantDelta(global, value));
      if (fill && round === 1) {
        disk.fillAfterNextUpdate = true; // the update is stored and acknowledged; the round's model is not
        expect((await f.submitUpdate(siteId, envelope)).status).toBe('accepted'); // the site's part is done
        expect(log.some((l) => /round 1: aggregation failed \(attempt 1; next try in 1 s\): .*ENOSPC/s.test(l))).toBe(true);
        expect(log.some((l) => /round 1: closing the round failed \(ENOSPC.*the round clock tries again/.test(l))).toBe(true);
        expect((await f.roundStatus()).round).toBe(1);
        disk.full = disk.fillAfterNextUpdate = false;
        clock += 500;
        await f.tick(); // too early: the coordinator backs off for a second after a failure
        expect((await f.roundStatus()).round).toBe(1);
        clock += 500;
        await f.tick(); // the retry, now that the disk has room
      } else {
        await f.submitUpdate(siteId, envelope);
      }
      expect((await f.roundStatus()).round).toBe(round + 1);
    }
    const model = decodeWeightsBlob(await f.model((await f.roundStatus()).globalModelHash), { expected: f.spec, kind: 'MODEL' });
    await close();
    return model[0]!.values;
  }

  it('gives the same model as a round that never failed', async () => {
    const straight = await finalModel('straight', false);
    const retried = await finalModel('retried', true);
    expect(Array.from(retried)).toEqual(Array.from(straight));
  });

  it.each([
    ['the model blob', false],
    ['a survivor\'s update record', true],
  ])('under secure aggregation, when %s cannot be written: from the mean already unmasked, no second run of the secure aggregation', async (_what, recordsFail) => {
    const secure = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 5 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
    const ff = await openFillableFederation(secure, `${dir.path}/secure-${String(recordsFail)}`);
    try {
      await ff.serve();
      const c = ff as unknown as RunningCoordinator; // joinSite needs only url and invite
      const [a, b] = [await joinSite(c, 'A'), await joinSite(c, 'B')];
      const global = await globalWeights(a, (await a.client.round()).globalModelHash);
      ff.disk.statusWritesFail = false;
      ff.disk.recordsFail = recordsFail;
      ff.disk.fillAfterNextUpdate = true; // the survivors' records are written at unmasking: the second one, or the model blob after them, fails
      const uploads = [a, b].map((x, i) => secureUpload({ client: x.client, siteId: x.siteId, round: 1, weight: 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 1 }));
      await expect.poll(() => ff.log.some((l) => /round 1: (aggregation|closing the round) failed.*ENOSPC/s.test(l)), { timeout: 15_000 }).toBe(true);
      ff.disk.full = ff.disk.fillAfterNextUpdate = false;
      await Promise.all(uploads);
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      const model = flatten(await globalWeights(a, done.globalModelHash));
      const expected = flatten(global).map((x) => x + 0.015);
      expect(Math.max(...model.map((x, k) => Math.abs(x - expected[k]!)))).toBeLessThan(1e-6);
      const status = await operatorStatusOf(ff);
      expect(status.rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 0 } });
      expect(ff.log.some((l) => /starting the round's secure aggregation over/.test(l))).toBe(false);
      // once stored, the survivors' records are not written again by the retries (nor on every tick of the backoff);
      // while they cannot be stored, they are tried again only as often as the aggregation backs off
      const failures = ff.log.filter((l) => /round 1: aggregation failed/.test(l)).length;
      if (!recordsFail) expect([...ff.disk.recordsAsked].sort()).toEqual([`1/${a.siteId}`, `1/${b.siteId}`].sort());
      else expect(ff.disk.recordsAsked.length).toBeLessThanOrEqual(2 * (failures + 1));
    } finally {
      await ff.close();
    }
  });

  it('under secure aggregation, after a restart between unmasking and the commit: from the mean on disk, without the sites', async () => {
    const secure = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 5 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
    const folder = `${dir.path}/secure-restart`;
    const ff = await openFillableFederation(secure, folder);
    const stop = { aborted: false };
    let uploads: Promise<unknown>[] = [];
    let a: Awaited<ReturnType<typeof joinSite>>;
    let global: Awaited<ReturnType<typeof globalWeights>>;
    try {
      await ff.serve();
      const c = ff as unknown as RunningCoordinator;
      const sites = [await joinSite(c, 'A'), await joinSite(c, 'B')];
      a = sites[0]!;
      global = await globalWeights(a, (await a.client.round()).globalModelHash);
      ff.disk.statusWritesFail = false;
      ff.disk.fillAfterNextUpdate = true; // the round's model cannot be written after the survivors' records
      uploads = sites.map((x, i) => secureUpload({ client: x.client, siteId: x.siteId, round: 1, weight: 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 1, signal: stop }).catch(() => undefined));
      await expect.poll(() => ff.log.some((l) => /round 1: (aggregation|closing the round) failed.*ENOSPC/s.test(l)), { timeout: 15_000 }).toBe(true);
    } finally {
      // the coordinator stops there; its sites are gone with it
      stop.aborted = true;
      await ff.close();
      await Promise.all(uploads);
    }
    const lines: string[] = [];
    const again = await startCoordinator({ plan: secure, dataDir: folder, port: 0, staticRoot: null, log: (l) => lines.push(l), clockMs: 50 });
    try {
      await expect.poll(async () => (await again.federation.roundStatus()).finished, { timeout: 10_000 }).toBe(true);
      const status = await operatorStatusOf(again);
      const model = flatten(decodeWeightsBlob(await again.federation.model(status.current.globalModelHash), { expected: again.federation.spec, kind: 'MODEL' }));
      const expected = flatten(global!).map((x) => x + 0.015);
      expect(Math.max(...model.map((x, k) => Math.abs(x - expected[k]!)))).toBeLessThan(1e-6);
      expect(status.rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 0, survivors: expect.arrayContaining([a!.siteId]) } });
      expect(status.rounds[0]!.updates.map((u) => u.siteId).sort()).toEqual([...status.sites.map((x) => x.id)].sort());
      expect(lines.some((l) => /resuming from the mean unmasked before the restart \(2 survivors\)/.test(l))).toBe(true);
      expect(lines.some((l) => /starting the round's secure aggregation over/.test(l))).toBe(false);
    } finally {
      await again.close();
    }
  });
});
