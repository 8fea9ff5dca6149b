/**
 * A round whose aggregation fails (here: the disk is full, so the model blob and then the
 * status write fail) is retried once the disk has room, and the retry gives the model the
 * round would have given: FedAdam's moments are not advanced twice, the aggregate is fed again.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../core/model/modelPresets.ts';
import { unetPlan } from '../core/model/unetSpec.ts';
import { planHash } from '../core/protocol/plan.ts';
import { exportPublicJwk, generateSiteKeyPair } from '../core/protocol/signing.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { Federation } from './federation.ts';
import { federationAlgorithms } from './federationAlgorithms.ts';
import { initialModel } from './initialModel.ts';
import { createSiteInvite } from './siteInvites.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import type { RoundStatus } from './storage/federationStore.ts';
import { constantDelta, tempDir, testPlan, updateEnvelope } from './testing/testFederation.ts';

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

/** One disk under both stores: it fills up as soon as the next update is on it. */
class Disk {
  full = false;
  fillAfterNextUpdate = false;
}

/** The real blob folder, refusing writes while the disk is full. */
class FillableBlobs extends BlobStore {
  constructor(dir: string, private readonly disk: Disk) {
    super(dir);
  }
  override put(bytes: Uint8Array): Promise<string> {
    return this.disk.full ? Promise.reject(diskFull()) : super.put(bytes);
  }
}

/** The real SQLite store, whose round-status writes fail while the disk is full. */
class FillableStore extends SqliteStore {
  constructor(file: string, private readonly disk: Disk) {
    super(file);
  }
  override async recordUpdate(...args: Parameters<SqliteStore['recordUpdate']>): ReturnType<SqliteStore['recordUpdate']> {
    const r = await super.recordUpdate(...args);
    if (this.disk.fillAfterNextUpdate) this.disk.full = true;
    return r;
  }
  override setRoundStatus(n: number, status: RoundStatus): Promise<void> {
    return this.disk.full && status === 'collecting' ? Promise.reject(diskFull()) : super.setRoundStatus(n, status);
  }
}

const dir = tempDir();
afterAll(() => dir.remove());
const plan = testPlan({ rounds: 2, aggregation: { strategy: 'fedadam', options: { eta: 0.1 } }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
const preset = getPreset(plan.model.preset);
const spec = unetPlan(preset).params.map((p) => ({ name: p.name, shape: [...p.shape] }));

/** Two rounds of one site's constant updates; the first aggregation meets a full disk when `fill`. */
async function finalModel(name: string, fill: boolean): Promise<Float32Array> {
  const disk = new Disk();
  const store = new FillableStore(join(dir.path, `${name}.sqlite`), disk);
  const blobs = new FillableBlobs(join(dir.path, `${name}-blobs`), disk);
  const log: string[] = [];
  const f = await Federation.open({
    store, blobs, plan, planHash: await planHash(plan), spec, algorithms: federationAlgorithms(plan),
    initialWeights: async () => initialModel(preset, plan.model.seed), log: (l) => log.push(l),
  });
  const invite = await createSiteInvite(store, 'A', 'http://127.0.0.1');
  const keys = await generateSiteKeyPair();
  const { siteId } = await f.join({ inviteToken: invite.token, planHash: f.planHash, publicKeyJwk: await exportPublicJwk(keys.publicKey) });
  const site = { siteId, client: null as never, privateKey: keys.privateKey };
  for (const [round, value] of [[1, 0.01], [2, -0.02]] as const) {
    const status = await f.roundStatus();
    const global = decodeWeightsBlob(await f.model(status.globalModelHash), { expected: spec, kind: 'MODEL' });
    const envelope = await updateEnvelope(plan, site, round, status.globalModelHash, constantDelta(global, value));
    if (fill && round === 1) {
      disk.fillAfterNextUpdate = true; // the update is stored and acknowledged; the round's model is not
      await expect(f.submitUpdate(siteId, envelope)).rejects.toThrow(/ENOSPC/);
      expect(log.some((l) => /round 1: aggregation failed: .*ENOSPC/s.test(l))).toBe(true);
      expect((await f.roundStatus()).round).toBe(1);
      disk.full = disk.fillAfterNextUpdate = false;
      await f.tick(); // the retry, now that the disk has room
    } else {
      await f.submitUpdate(siteId, envelope);
    }
    expect((await f.roundStatus()).round).toBe(round + 1);
  }
  const model = decodeWeightsBlob(await f.model((await f.roundStatus()).globalModelHash), { expected: spec, kind: 'MODEL' });
  await f.close();
  await store.close();
  return model[0]!.values;
}

describe('a failed aggregation, retried', () => {
  it('gives the same model as a round that never failed', async () => {
    const straight = await finalModel('straight', false);
    const retried = await finalModel('retried', true);
    expect(Array.from(retried)).toEqual(Array.from(straight));
  });
});
