/**
 * Secure aggregation over real HTTP: a coordinator on loopback (real SQLite, real blobs)
 * and three sites running runSite's secure branch (SecAggClient through ProtocolClient).
 * Round 1: every site takes part; the new global model equals plain FedAvg of the sites'
 * (clipped) updates up to quantisation, and the stored uploads are masked. Round 2: one
 * site drops right after uploading its masked input; its self mask is rebuilt from the
 * other sites' shares and the round completes with the same FedAvg. Refusals (wrong
 * phase, unknown site, bad signature, a plain update) change nothing. A coordinator restart
 * keeps the masked uploads on disk and restarts the round's secure aggregation; a site that
 * shares keys and then drops before uploading is removed through its mask key's shares; a
 * phase that misses its deadline with too few sites starts the round's secure aggregation over.
 * Under aggregation.weighting "equal" a weight other than 1 is refused, and runSite's sites
 * of 1 and 3 cases make the unweighted mean.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../core/model/modelPresets.ts';
import { planHash as hashPlan, type Plan, type PlanInput } from '../core/protocol/plan.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { runSite, type RunSiteResult } from '../core/protocol/client/runSite.ts';
import { flatten } from '../core/codecs/payloadBytes.ts';
import { quantizeToField } from '../core/privacy/fieldQuantize.ts';
import { SecAggClient } from '../core/privacy/secAggClient.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { syntheticSite } from '../node/collaborator/siteCases.ts';
import type { OperatorStatus } from './operatorStatus.ts';
import { dataPaths, type RunningCoordinator } from './startCoordinator.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { startCoordinator } from './startCoordinator.ts';
import { secureUpload } from '../core/protocol/client/secureUpload.ts';
import { ProtocolError } from '../core/protocol/client/protocolError.ts';
import { SecAggRosterSchema, SecAggSharesForSchema, SecAggUnmaskRequestSchema } from '../core/privacy/secAggMessages.ts';
import {
  constantDelta, globalWeights, joinSite, operatorStatusOf, send, sendUpdate, signedHeaders, startTestCoordinator, tempDir, testPlan, updateEnvelope, type TestSite,
} from './testing/testFederation.ts';

const PROFILES = ['academic-3t', 'community-1.5t', 'regional-thick-slice'];
const CLIP = 0.5;
const plan = testPlan({
  rounds: 2,
  training: { localSteps: 2, learningRate: 5e-3, optimizer: 'adam', batchSize: 1 },
  // each secure-aggregation phase waits up to 6 s (the dropped site's unmask answer, in round 2)
  stragglers: { minSites: 3, roundDeadlineSeconds: 6 },
  validation: { fraction: 0 },
  privacy: { secureAggregation: { enabled: true, clipRange: CLIP } },
});

let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let sites: TestSite[];
let results: RunSiteResult[];
const deltas = new Map<string, Map<number, WeightSet>>();
const weights = new Map<string, number>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = tempDir();
  coord = await startTestCoordinator(plan, dir.path);
  sites = [];
  // the sites train in this process, between their requests: a few quick retries ride out a reset connection
  for (const p of PROFILES) sites.push(await joinSite(coord, `Site ${p}`, { attempts: 4, baseDelayMs: 50 }));
  const planHash = await hashPlan(plan);
  results = await Promise.all(
    sites.map((site, i) => {
      const data = syntheticSite({ profile: PROFILES[i]!, seed: 100 + i, cases: 2 + i, size: 16 }, getPreset(plan.model.preset).patchSize, 0);
      weights.set(site.siteId, Math.max(1, data.train.length));
      deltas.set(site.siteId, new Map());
      return runSite({
        client: site.client, plan, planHash, data, seed: 10 + i, pollSeconds: 2,
        inspectUpdate: (round, delta) => deltas.get(site.siteId)!.set(round, delta),
        // the third site drops out in round 2 right after its masked upload
        ...(i === 2 ? { stopAfterMaskedRound: 2 } : {}),
      });
    }),
  );
}, 120_000);

afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

async function status(): Promise<OperatorStatus> {
  return operatorStatusOf(coord);
}

/** global + the `w`-weighted mean of the deltas clipped to ±CLIP (what plain FedAvg gives) */
function clippedMean(global: Float32Array, deltas: readonly Float32Array[], w: readonly number[]): Float32Array {
  const sum = new Float64Array(global.length);
  let total = 0;
  deltas.forEach((d, i) => {
    for (let k = 0; k < d.length; k++) sum[k]! += w[i]! * Math.max(-CLIP, Math.min(CLIP, d[k]!));
    total += w[i]!;
  });
  return global.map((x, k) => x + sum[k]! / total);
}

/** plain FedAvg of round `round` of the three sites, weighted by their case counts */
function plainFedAvg(global: WeightSet, round: number): Float32Array {
  return clippedMean(flatten(global), sites.map((s) => flatten(deltas.get(s.siteId)!.get(round)!)), sites.map((s) => weights.get(s.siteId)!));
}

/** the largest error of secure aggregation's quantisation for `n` sites: n / (2 S W) per coordinate with S = (2^31 - 1 - n) / (W clip) */
function quantisationBound(n: number): number {
  return (n * CLIP) / (2 * (2 ** 31 - 1 - n)) + 1e-6;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

describe('secure aggregation over HTTP', () => {
  it('completes both rounds; the new global models equal plain FedAvg up to quantisation', async () => {
    expect(results.map((r) => r.roundsTrained)).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(results[2]!.stoppedEarly).toBe(true);
    const s = await status();
    expect(s.current.finished).toBe(true);
    for (const round of [1, 2]) {
      const r = s.rounds[round - 1]!;
      expect(r.status).toBe('closed');
      const global = await globalWeights(sites[0]!, r.globalModel);
      const next = flatten(await globalWeights(sites[0]!, r.resultModel!));
      const expected = plainFedAvg(global, round);
      expect(maxAbsDiff(next, expected)).toBeLessThan(quantisationBound(3));
      // and the update was not nothing
      expect(maxAbsDiff(next, flatten(global))).toBeGreaterThan(1e-4);
    }
  });

  it('recovers the site that dropped after its masked upload from the others\' shares', async () => {
    const s = await status();
    const summary = s.rounds[1]!.summary as { secureAggregation: { survivors: string[]; dropped: string[] } };
    expect([...summary.secureAggregation.survivors].sort()).toEqual(sites.map((x) => x.siteId).sort());
    expect(summary.secureAggregation.dropped).toEqual([]);
    expect(s.rounds[1]!.updates.map((u) => u.siteId).sort()).toEqual(sites.map((x) => x.siteId).sort());
    // only the first two sites answered the unmask request of round 2
    const store = new SqliteStore(dataPaths(dir.path).db);
    const log = await store.auditLog({ limit: 10_000 });
    await store.close();
    const answered = log.filter((e) => e.action === 'secagg-unmask' && e.round === 2).map((e) => e.siteId);
    expect(answered.sort()).toEqual([sites[0]!.siteId, sites[1]!.siteId].sort());
  });

  it('stores only masked uploads, which look uniformly random', async () => {
    const blobs = new BlobStore(dataPaths(dir.path).blobs);
    const store = new SqliteStore(dataPaths(dir.path).db);
    const updates = await store.updates(1);
    await store.close();
    expect(updates.map((u) => u.codec)).toEqual(['secagg', 'secagg', 'secagg']);
    const scale = (2 ** 31 - 1 - 3) / ([...weights.values()].reduce((a, b) => a + b, 0) * CLIP);
    for (const u of updates) {
      const stored = new Uint32Array(new Uint8Array(blobs.get(u.payloadHash)).buffer);
      const plain = quantizeToField(flatten(deltas.get(u.siteId)!.get(1)!), weights.get(u.siteId)!, scale, CLIP);
      expect(stored.length).toBe(plain.length);
      let same = 0;
      let mean = 0;
      const buckets = new Array<number>(16).fill(0);
      for (let k = 0; k < stored.length; k++) {
        if (stored[k] === plain[k]) same++;
        mean += stored[k]! / 2 ** 32;
        buckets[stored[k]! >>> 28]!++;
      }
      expect(same).toBeLessThan(5);
      expect(Math.abs(mean / stored.length - 0.5)).toBeLessThan(0.02);
      // chi-square over 16 equal buckets (15 degrees of freedom; 50 is far beyond p = 0.0001)
      const e = stored.length / 16;
      expect(buckets.reduce((acc, b) => acc + (b - e) ** 2 / e, 0)).toBeLessThan(50);
    }
  });
});

describe('secure aggregation refusals', () => {
  it('refuses a wrong phase, an unknown site, a bad signature and a plain update, and changes nothing', async () => {
    const p2 = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true } } });
    const d2 = tempDir();
    const c2 = await startTestCoordinator(p2, d2.path);
    try {
      const a = await joinSite(c2, 'A');
      const b = await joinSite(c2, 'B');
      const path = (kind: string) => `/api/v1/rounds/1/secagg/${kind}`;
      const post = async (site: TestSite, kind: string, body: Uint8Array, contentType = 'application/json') => {
        const req = { method: 'POST', path: path(kind), body, contentType };
        return send(c2.url, { ...req, headers: await signedHeaders(site.siteId, site.privateKey, req) });
      };
      const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
      const sa = await SecAggClient.create(a.siteId, 1, 4);
      const advert = json(await sa.advertise());
      expect((await post(a, 'advertise', advert)).json).toMatchObject({ status: 'accepted', phase: 'advertise' });

      // wrong phase: shares and a masked input while keys are being advertised
      const wrongShares = await post(a, 'shares', json({ siteId: a.siteId, sealed: [] }));
      expect([wrongShares.status, wrongShares.json.error.code]).toEqual([409, 'SECAGG_PHASE']);
      const spec = (await globalWeights(a, (await a.client.round()).globalModelHash));
      const maskedBytes = new Uint8Array(4 * flatten(spec).length);
      const wrongMasked = await post(a, 'masked', maskedBytes, 'application/octet-stream');
      expect([wrongMasked.status, wrongMasked.json.error.code]).toEqual([409, 'SECAGG_PHASE']);
      // unknown site
      const ghost = { ...a, siteId: 'no-such-site' };
      const unknown = await post(ghost, 'advertise', advert);
      expect([unknown.status, unknown.json.error.code]).toEqual([401, 'UNKNOWN_SITE']);
      // bad signature: B's advert signed over other bytes
      const sb = await SecAggClient.create(b.siteId, 1, 4);
      const bAdvert = json(await sb.advertise());
      const req = { method: 'POST', path: path('advertise'), body: bAdvert, contentType: 'application/json' };
      const headers = await signedHeaders(b.siteId, b.privateKey, { ...req, body: json({ other: 1 }) });
      const bad = await send(c2.url, { ...req, headers });
      expect([bad.status, bad.json.error.code]).toEqual([401, 'BAD_SIGNATURE']);
      // a message naming another site than its signer
      const mismatch = await post(b, 'advertise', advert);
      expect([mismatch.status, mismatch.json.error.code]).toEqual([403, 'SITE_MISMATCH']);
      // a key that is no point of the curve: refused before it can fail the round's unmasking
      const bKeys = JSON.parse(new TextDecoder().decode(bAdvert)) as { sPublic: { x: string; y: string } };
      const offCurve = await post(b, 'advertise', json({ ...bKeys, sPublic: { ...bKeys.sPublic, y: bKeys.sPublic.x } }));
      expect([offCurve.status, offCurve.json.error.code]).toEqual([422, 'SECAGG_INVALID']);
      expect(offCurve.json.error.message).toContain('sPublic');
      // a plain update under secure aggregation
      const round = await a.client.round();
      const plain = await sendUpdate(c2.url, a, 1, await updateEnvelope(p2, a, 1, round.globalModelHash, constantDelta(spec, 0.01)));
      expect(plain.json.error.code).toBe('SECAGG_REQUIRED');

      // nothing changed: A's advert is still the only one, the roster is not out yet
      const waitA = await a.client.secAggWait(1, 'roster', 0);
      expect(waitA).toMatchObject({ ready: false, phase: 'advertise' });
      expect((await post(a, 'advertise', advert)).json.status).toBe('duplicate');
      expect((await a.client.round()).reportedSites).toBe(0);
      // B advertises properly: the roster names exactly A and B
      expect((await post(b, 'advertise', bAdvert)).json.status).toBe('accepted');
      const roster = await a.client.secAggWait(1, 'roster', 5);
      expect(roster.ready).toBe(true);
      expect((roster.message as { sites: { siteId: string }[] }).sites.map((x) => x.siteId).sort()).toEqual([a.siteId, b.siteId].sort());
      // a late advert is in the wrong phase now
      const again = await post(b, 'advertise', json(await (await SecAggClient.create(b.siteId, 1, 4)).advertise()));
      expect(again.json.error.code).toBe('SECAGG_DUPLICATE');
    } finally {
      await c2.close();
      d2.remove();
    }
  });
});

describe('secure aggregation refuses an advertised weight the plan does not allow', () => {
  /** the answers to site A's advertisements with these weights, in order, under `plan` */
  async function advertised(plan: Plan, weights: readonly number[]): Promise<{ status: number; json: any }[]> {
    const d = tempDir();
    const c = await startTestCoordinator(plan, d.path);
    try {
      const a = await joinSite(c, 'A');
      const answers = [];
      for (const weight of weights) {
        const body = new TextEncoder().encode(JSON.stringify(await (await SecAggClient.create(a.siteId, 1, weight)).advertise()));
        const req = { method: 'POST', path: '/api/v1/rounds/1/secagg/advertise', body, contentType: 'application/json' };
        answers.push(await send(c.url, { ...req, headers: await signedHeaders(a.siteId, a.privateKey, req) }));
      }
      return answers;
    } finally {
      await c.close();
      d.remove();
    }
  }
  const securePlan = (extra: PlanInput) => testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true } }, ...extra });

  it('under equal weights, other than 1; then it accepts weight 1', async () => {
    const [heavy, one] = await advertised(securePlan({ aggregation: { weighting: 'equal' } }), [4, 1]);
    expect([heavy!.status, heavy!.json.error.code]).toEqual([422, 'SECAGG_WEIGHT']);
    expect(heavy!.json.error.message).toContain('"equal"');
    expect(one!.json).toMatchObject({ status: 'accepted', phase: 'advertise' });
  });

  it('over limits.maxSampleCount; then it accepts the limit', async () => {
    const [heavy, most] = await advertised(securePlan({ limits: { maxSampleCount: 10 } }), [11, 10]);
    expect([heavy!.status, heavy!.json.error.code]).toEqual([422, 'SECAGG_WEIGHT']);
    expect(heavy!.json.error.message).toContain('expected at most 10');
    expect(most!.json).toMatchObject({ status: 'accepted', phase: 'advertise' });
  });
});

describe('a coordinator restart during secure aggregation', () => {
  it('keeps the acknowledged masked uploads on disk and restarts the round\'s secure aggregation cleanly', async () => {
    const p3 = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 60 }, privacy: { secureAggregation: { enabled: true, clipRange: CLIP } } });
    const d3 = tempDir();
    let c3: RunningCoordinator | null = await startTestCoordinator(p3, d3.path);
    try {
      const a = await joinSite(c3, 'A');
      const b = await joinSite(c3, 'B');
      const round = await a.client.round();
      const global = await globalWeights(a, round.globalModelHash);
      const plan3 = { a: { site: a, weight: 1, delta: constantDelta(global, 0.01) }, b: { site: b, weight: 3, delta: constantDelta(global, 0.03) } };
      // the first attempt gets as far as both masked uploads
      const clients = await Promise.all([plan3.a, plan3.b].map((x) => SecAggClient.create(x.site.siteId, 1, x.weight)));
      for (const [i, x] of [plan3.a, plan3.b].entries()) await x.site.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
      const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
      for (const [i, x] of [plan3.a, plan3.b].entries()) await x.site.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
      const hashes: string[] = [];
      for (const [i, x] of [plan3.a, plan3.b].entries()) {
        await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.site.client.secAggWait(1, 'shares', 5)).message));
        hashes.push((await x.site.client.secAggMasked(1, await clients[i]!.maskedInput(x.delta))).uploadHash);
      }
      expect((await a.client.secAggWait(1, 'unmask', 5)).ready).toBe(true);

      const port = c3.port;
      await c3.close();
      c3 = null;
      c3 = await startCoordinator({ plan: p3, dataDir: d3.path, port, staticRoot: null, log: () => undefined, clockMs: 50 });
      const blobs = new BlobStore(dataPaths(d3.path).blobs);
      for (const h of hashes) expect(blobs.has(h)).toBe(true);
      const lost = await a.client.secAggWait(1, 'unmask', 0).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(ProtocolError);
      expect((lost as ProtocolError).code).toBe('SECAGG_NOT_IN_ROUND');

      // the sites start over with new keys and the same updates; the round completes
      await Promise.all([plan3.a, plan3.b].map((x) => secureUpload({ client: x.site.client, siteId: x.site.siteId, round: 1, weight: x.weight, delta: x.delta, pollSeconds: 2 })));
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      const result = flatten(await globalWeights(a, done.globalModelHash));
      const g = flatten(global);
      expect(maxAbsDiff(result, g.map((x) => x + (1 * 0.01 + 3 * 0.03) / 4))).toBeLessThan(1e-6);
    } finally {
      await c3?.close();
      d3.remove();
    }
  });
});

describe('a site that drops after sharing keys but before its masked upload', () => {
  it('is removed through the survivors\' shares of its mask key; the round averages the survivors', async () => {
    // the masked phase waits its deadline for C; long enough that the others' phases never miss theirs on a loaded machine
    const p4 = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 4 }, privacy: { secureAggregation: { enabled: true, clipRange: CLIP } } });
    const d4 = tempDir();
    const c4 = await startTestCoordinator(p4, d4.path);
    try {
      const all = [await joinSite(c4, 'A'), await joinSite(c4, 'B'), await joinSite(c4, 'C')];
      const round = await all[0]!.client.round();
      const global = await globalWeights(all[0]!, round.globalModelHash);
      const value = [0.02, -0.04, 0.3];
      const weight = [2, 1, 5];
      const clients = await Promise.all(all.map((x, i) => SecAggClient.create(x.siteId, 1, weight[i]!)));
      for (const [i, x] of all.entries()) await x.client.secAggPost(1, 'advertise', await clients[i]!.advertise());
      const roster = SecAggRosterSchema.parse((await all[0]!.client.secAggWait(1, 'roster', 5)).message);
      for (const [i, x] of all.entries()) await x.client.secAggPost(1, 'shares', await clients[i]!.shareKeys(roster));
      for (const [i, x] of all.entries()) await clients[i]!.receiveShares(SecAggSharesForSchema.parse((await x.client.secAggWait(1, 'shares', 5)).message));
      // C stops here; A and B upload and answer the unmask request, which names C as dropped
      await Promise.all(all.slice(0, 2).map(async (x, i) => {
        await x.client.secAggMasked(1, await clients[i]!.maskedInput(constantDelta(global, value[i]!)));
        const req = await x.client.secAggWait(1, 'unmask', 10);
        expect(req.message).toMatchObject({ dropped: [all[2]!.siteId] });
        await x.client.secAggPost(1, 'unmask', clients[i]!.unmask(SecAggUnmaskRequestSchema.parse(req.message)));
      }));
      const done = await all[0]!.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      const mean = (weight[0]! * value[0]! + weight[1]! * value[1]!) / (weight[0]! + weight[1]!);
      expect(maxAbsDiff(flatten(await globalWeights(all[0]!, done.globalModelHash)), flatten(global).map((x) => x + mean))).toBeLessThan(1e-6);
    } finally {
      await c4.close();
      d4.remove();
    }
  });
});

/** A one-round secure federation of at least 2 sites with short phases, its operator status, closed and removed after `run`. */
async function withShortSecureRound(deadlineSeconds: number, run: (c: RunningCoordinator, operator: () => Promise<OperatorStatus>) => Promise<void>): Promise<void> {
  const p = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: deadlineSeconds }, privacy: { secureAggregation: { enabled: true, clipRange: CLIP } } });
  const d = tempDir();
  const c = await startTestCoordinator(p, d.path);
  try {
    await run(c, () => operatorStatusOf(c));
  } finally {
    await c.close();
    d.remove();
  }
}

describe('a secure-aggregation phase that misses its deadline with too few sites', () => {
  it('keeps a site that already answered the unmask request: when too few answered, it takes part again and the round averages all three', async () => {
    await withShortSecureRound(4, async (c3, operator) => {
      const three = [await joinSite(c3, 'A'), await joinSite(c3, 'B'), await joinSite(c3, 'C')];
      const global = await globalWeights(three[0]!, (await three[0]!.client.round()).globalModelHash);
      const upload = (i: number, stopAfterMasked: boolean) =>
        secureUpload({ client: three[i]!.client, siteId: three[i]!.siteId, round: 1, weight: 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 1, stopAfterMasked });
      // A answers the unmask request; B and C vanish after their masked uploads: 1 answer of the 2 needed
      const a = upload(0, false);
      await Promise.all([upload(1, true), upload(2, true)]);
      await expect.poll(async () => (await operator()).notice, { timeout: 10_000 }).toMatch(/1 of the 2 sites needed answered the unmask request by the deadline; starting the round's secure aggregation over/);
      // B and C come back; A, still waiting for the round to close, starts over with them
      await Promise.all([upload(1, false), upload(2, false)]);
      expect((await a).answeredUnmask).toBe(true);
      const done = await three[0]!.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      expect(maxAbsDiff(flatten(await globalWeights(three[0]!, done.globalModelHash)), flatten(global).map((x) => x + 0.02))).toBeLessThan(1e-6); // (0.01 + 0.02 + 0.03) / 3
      expect((await operator()).rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 1, survivors: expect.arrayContaining(three.map((x) => x.siteId)) } });
    });
  });

  it('starts the round\'s secure aggregation over, tells the operator why, and then completes', async () => {
    await withShortSecureRound(4, async (c5, operator) => {
      const [a, b] = [await joinSite(c5, 'A'), await joinSite(c5, 'B')];
      const global = await globalWeights(a, (await a.client.round()).globalModelHash);
      const first = await Promise.all([a, b].map((x, i) => SecAggClient.create(x.siteId, 1, i + 1)));
      for (const [i, x] of [a, b].entries()) await x.client.secAggPost(1, 'advertise', await first[i]!.advertise());
      const roster = SecAggRosterSchema.parse((await a.client.secAggWait(1, 'roster', 5)).message);
      // only A shares its keys: the shares phase cannot close with one of the two sites needed
      await a.client.secAggPost(1, 'shares', await first[0]!.shareKeys(roster));
      await expect.poll(async () => (await operator()).notice, { timeout: 10_000 }).toMatch(/1 of the 2 sites needed shared keys by the deadline; starting the round's secure aggregation over/);
      const lateShare = await b.client.secAggPost(1, 'shares', await first[1]!.shareKeys(roster)).catch((e: unknown) => e);
      expect(lateShare).toBeInstanceOf(ProtocolError); // the old roster is gone: B's shares for it are refused

      // both start over with new keys; the round completes with their weighted mean
      await Promise.all([a, b].map((x, i) => secureUpload({ client: x.client, siteId: x.siteId, round: 1, weight: i + 1, delta: constantDelta(global, 0.01 * (i + 1)), pollSeconds: 2 })));
      const done = await a.client.waitForRound(1, 10);
      expect(done.finished).toBe(true);
      expect(maxAbsDiff(flatten(await globalWeights(a, done.globalModelHash)), flatten(global).map((x) => x + (1 * 0.01 + 2 * 0.02) / 3))).toBeLessThan(1e-6);
      const final = await operator();
      expect(final.notice).toBeNull();
      expect(final.rounds[0]!.summary).toMatchObject({ secureAggregation: { restarts: 1, survivors: expect.arrayContaining([a.siteId, b.siteId]) } });
    });
  });
});
