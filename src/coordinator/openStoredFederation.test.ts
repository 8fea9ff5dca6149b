import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planHash as hashPlan } from '../core/protocol/plan.ts';
import { specOf } from '../core/protocol/weightSpec.ts';
import { decodeWeightsBlob, encodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { openStoredFederation, type StoredFederationDeps } from './openStoredFederation.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { tempDir, testPlan } from './testing/testFederation.ts';

const weights = (v: number): WeightSet => [
  { name: 'conv/kernel', shape: [2, 3], values: new Float32Array(6).fill(v) },
  { name: 'conv/bias', shape: [3], values: new Float32Array(3).fill(-v) },
];

describe('openStoredFederation', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  let blobs: BlobStore;
  let logged: string[];
  let initialCalls: number;
  const plan = testPlan({ rounds: 3 });

  const deps = async (over: Partial<StoredFederationDeps> = {}): Promise<StoredFederationDeps> => ({
    store, blobs, plan, planHash: await hashPlan(plan), spec: specOf(weights(0)), deadlineMs: 60_000,
    initialWeights: async () => (initialCalls++, weights(0.5)),
    now: () => 1_000, log: (l) => logged.push(l), ...over,
  });

  beforeEach(() => {
    dir = tempDir();
    store = new SqliteStore(join(dir.path, 'db.sqlite'));
    blobs = new BlobStore(join(dir.path, 'blobs'));
    logged = [];
    initialCalls = 0;
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('creates the federation on the first start: round 1 open over the initial model, its deadline from now', async () => {
    const opened = await openStoredFederation(await deps());
    expect(opened.created).toBe(true);
    expect(opened.strategyState).toBeNull();
    expect(opened.current).toMatchObject({ round: 1, status: 'open', openedAt: 1_000, deadline: 61_000, extensions: 0, closedAt: null });
    const model = decodeWeightsBlob(await blobs.getVerified(opened.current.globalModel), { expected: specOf(weights(0)), kind: 'MODEL', source: 'test' });
    expect(Array.from(model[0]!.values)).toEqual(new Array(6).fill(0.5));
    expect(await store.rounds()).toEqual([opened.current]);
    expect((await store.federation())?.planHash).toBe(await hashPlan(plan));
    expect(logged).toEqual([`federation "test federation" created: plan ${await hashPlan(plan)}, round 1 of 3, model ${opened.current.globalModel}`]);
  });

  it('reads a stored federation back without asking for initial weights again', async () => {
    const first = await openStoredFederation(await deps());
    const again = await openStoredFederation(await deps({ now: () => 9_999 }));
    expect(again).toEqual({ created: false, current: first.current, strategyState: null });
    expect(initialCalls).toBe(1);
  });

  it('refuses an initial model of the wrong shape and stores nothing', async () => {
    const wrong: WeightSet = [{ name: 'conv/kernel', shape: [6], values: new Float32Array(6) }, weights(0)[1]!];
    await expect(openStoredFederation(await deps({ initialWeights: async () => wrong }))).rejects.toMatchObject({ code: 'MODEL_SHAPE' });
    expect(await store.federation()).toBeNull();
    expect(readdirSync(blobs.dir)).toEqual(['tmp']);
  });

  it('refuses another plan with PLAN_CHANGED, naming both hashes, and leaves the stored federation as it was', async () => {
    const first = await openStoredFederation(await deps());
    const other = testPlan({ rounds: 4 });
    const otherHash = await hashPlan(other);
    const err = await openStoredFederation(await deps({ plan: other, planHash: otherHash })).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'PLAN_CHANGED' });
    expect((err as Error).message).toContain(`plan hash ${await hashPlan(plan)}; the plan given has ${otherHash}`);
    expect((await store.federation())?.planHash).toBe(await hashPlan(plan));
    expect(await store.rounds()).toEqual([first.current]);
  });

  it('records a round left aggregating by a stop as collecting again', async () => {
    await openStoredFederation(await deps());
    await store.setRoundStatus(1, 'aggregating');
    const opened = await openStoredFederation(await deps());
    expect(opened.current.status).toBe('collecting');
    expect((await store.rounds())[0]!.status).toBe('collecting');
  });

  it("gives the strategy state of the last closed round, and the next round as current", async () => {
    const first = await openStoredFederation(await deps());
    const state1 = await blobs.put(encodeWeightsBlob(weights(1)));
    const state2 = await blobs.put(encodeWeightsBlob(weights(2)));
    const model2 = await blobs.put(encodeWeightsBlob(weights(0.25)));
    const next = (round: number, globalModel: string) => ({ ...first.current, round, globalModel, status: 'open' as const });
    await store.closeRound(1, { resultModel: model2, closedAt: 2_000, summary: { strategyState: state1 } }, next(2, model2));
    await store.closeRound(2, { resultModel: model2, closedAt: 3_000, summary: { strategyState: state2 } }, next(3, model2));
    const opened = await openStoredFederation(await deps());
    expect(opened.current).toMatchObject({ round: 3, status: 'open', globalModel: model2 });
    expect(Array.from(opened.strategyState![0]!.values)).toEqual(new Array(6).fill(2));
  });

  it('fails, naming the blob, when the strategy state is corrupt', async () => {
    const first = await openStoredFederation(await deps());
    const state = await blobs.put(encodeWeightsBlob(weights(1)));
    await store.closeRound(1, { resultModel: first.current.globalModel, closedAt: 2_000, summary: { strategyState: state } }, { ...first.current, round: 2 });
    writeFileSync(blobs.pathOf(state), new Uint8Array(8));
    await expect(openStoredFederation(await deps())).rejects.toMatchObject({ code: 'BLOB_CORRUPT', message: expect.stringContaining(state) });
  });

  it('removes the temporary files a stop left behind', async () => {
    await openStoredFederation(await deps());
    mkdirSync(join(blobs.dir, 'tmp'), { recursive: true });
    writeFileSync(join(blobs.dir, 'tmp', 'half-written'), 'x');
    await openStoredFederation(await deps());
    expect(existsSync(join(blobs.dir, 'tmp', 'half-written'))).toBe(false);
    expect(existsSync(join(blobs.dir, 'tmp'))).toBe(true);
  });
});
