/**
 * Every bad request is refused with its stable code and changes nothing: a real
 * coordinator on loopback, real SQLite in a temporary folder, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSiteKeyPair } from '../core/protocol/signing.ts';
import type { RunningCoordinator } from './startCoordinator.ts';
import {
  constantDelta, globalWeights, joinSite, operatorStatusOf, send, sendUpdate, signedHeaders, startTestCoordinator, tempDir, testPlan,
  updateEnvelope, type TestSite,
} from './testing/testFederation.ts';
import type { WeightSet } from '../core/types/weights.ts';

const plan = testPlan({ rounds: 2 });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let a: TestSite;
let b: TestSite;
let global: WeightSet;
let model1: string;
let z: { siteId: string; privateKey: import('../core/util/webCrypto.ts').CryptoKeyLike } | null = null;

/** What must not change when a request is refused. */
async function snapshot() {
  const s = ((await operatorStatusOf(coord)) as any);
  return { current: s.current, rounds: s.rounds.map((r: any) => ({ round: r.round, status: r.status, updates: r.updates, evaluations: r.evaluations })) };
}

async function expectRefused(res: Promise<{ status: number; json: any }>, status: number, code: string) {
  const before = await snapshot();
  const r = await res;
  expect({ status: r.status, code: r.json?.error?.code }).toEqual({ status, code });
  expect(typeof r.json.error.message).toBe('string');
  expect(await snapshot()).toEqual(before);
}

beforeAll(async () => {
  dir = tempDir();
  coord = await startTestCoordinator(plan, dir.path);
  a = await joinSite(coord, 'Hospital A');
  b = await joinSite(coord, 'Hospital B');
  const round = await a.client.round();
  model1 = round.globalModelHash;
  global = await globalWeights(a, model1);
});

afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

describe('the coordinator refuses', () => {
  it('an update for another plan hash', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01), { planHash: 'f'.repeat(64) });
    await expectRefused(sendUpdate(coord.url, a, 1, body), 409, 'PLAN_MISMATCH');
  });

  it('wrong tensor sizes', async () => {
    const payload = new Uint8Array(100 * 4);
    const body = await updateEnvelope(plan, a, 1, model1, global, { payload });
    await expectRefused(sendUpdate(coord.url, a, 1, body), 422, 'UPDATE_SHAPE');
  });

  it('NaN values', async () => {
    const delta = constantDelta(global, 0.01);
    const flat = new Float32Array(delta.reduce((n, t) => n + t.values.length, 0)).fill(0.01);
    flat[17] = NaN;
    const body = await updateEnvelope(plan, a, 1, model1, delta, { payload: new Uint8Array(flat.buffer) });
    await expectRefused(sendUpdate(coord.url, a, 1, body), 422, 'UPDATE_NONFINITE');
  });

  it('a claim of more cases than the plan\'s limits.maxSampleCount', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01), { sampleCount: plan.limits.maxSampleCount + 1 });
    await expectRefused(sendUpdate(coord.url, a, 1, body), 422, 'UPDATE_SAMPLE_COUNT');
  });

  it('a delta from another base model', async () => {
    const body = await updateEnvelope(plan, a, 1, 'e'.repeat(64), constantDelta(global, 0.01));
    await expectRefused(sendUpdate(coord.url, a, 1, body), 409, 'UPDATE_BASE_MISMATCH');
  });

  it('an oversized body', async () => {
    const body = new Uint8Array(global.reduce((n, t) => n + t.values.length, 0) * 8 + 200 * 1024);
    await expectRefused(sendUpdate(coord.url, a, 1, body), 413, 'BODY_TOO_LARGE');
  });

  it('a bad signature (signed by another key)', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01));
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body, contentType: 'application/octet-stream' };
    const other = await generateSiteKeyPair();
    await expectRefused(send(coord.url, { ...req, headers: await signedHeaders(a.siteId, other.privateKey, req) }), 401, 'BAD_SIGNATURE');
  });

  it('a body changed after signing', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01));
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body, contentType: 'application/octet-stream' };
    const headers = await signedHeaders(a.siteId, a.privateKey, req);
    const changed = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.02));
    await expectRefused(send(coord.url, { ...req, body: changed, headers }), 401, 'BAD_SIGNATURE');
  });

  it('an unknown site', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01));
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body, contentType: 'application/octet-stream' };
    await expectRefused(send(coord.url, { ...req, headers: await signedHeaders('nobody-000000', a.privateKey, req) }), 401, 'UNKNOWN_SITE');
  });

  it('a request without a signature', async () => {
    await expectRefused(send(coord.url, { method: 'GET', path: `/api/v1/models/${model1}` }), 401, 'SIGNATURE_MISSING');
  });

  /** The answer to an upload that announces 100000 bytes and sends 10: it must come before the body does. */
  async function answerBeforeBody(headers: Record<string, string>): Promise<{ status: number; code: string }> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(`${coord.url}/api/v1/rounds/1/update`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': '100000', ...headers } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, code: JSON.parse(text).error.code }));
      });
      req.on('error', reject);
      req.write(new Uint8Array(10)); // 10 of the 100000 bytes announced, and no more
      setTimeout(() => req.destroy(), 5_000).unref();
    });
  }

  it('an unsigned upload, before its body is read: the coordinator answers while the body is still coming', async () => {
    expect(await answerBeforeBody({})).toEqual({ status: 401, code: 'SIGNATURE_MISSING' });
  });

  it("a forged signature that names its body's SHA-256: refused as BAD_SIGNATURE while the body is still coming", async () => {
    const { BODY_HASH_HEADER, SIGNATURE_HEADERS } = await import('../core/protocol/signing.ts');
    const forged = {
      [SIGNATURE_HEADERS.site]: a.siteId, [SIGNATURE_HEADERS.timestamp]: String(Date.now()), [SIGNATURE_HEADERS.nonce]: 'n'.repeat(22),
      [SIGNATURE_HEADERS.signature]: 'A'.repeat(86), [BODY_HASH_HEADER]: 'a'.repeat(64),
    };
    expect(await answerBeforeBody(forged)).toEqual({ status: 401, code: 'BAD_SIGNATURE' });
  });

  it('a body other than the one whose SHA-256 the signature covers', async () => {
    const { BODY_HASH_HEADER, bodySha256 } = await import('../core/protocol/signing.ts');
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.5));
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body, contentType: 'application/octet-stream' };
    const headers = { ...(await signedHeaders(a.siteId, a.privateKey, req)), [BODY_HASH_HEADER]: await bodySha256(body) };
    const other = body.slice();
    other[other.length - 1]! ^= 1;
    await expectRefused(send(coord.url, { ...req, body: other, headers }), 401, 'BAD_SIGNATURE');
  });

  it('a used invite, with another key (the same key again is a retried join: the same site)', async () => {
    const invite = await coord.invite('Hospital Z');
    const { planHash } = await a.client.plan();
    const keys = await generateSiteKeyPair();
    const join = async () => {
      const { exportPublicJwk } = await import('../core/protocol/signing.ts');
      const body = new TextEncoder().encode(JSON.stringify({ inviteToken: invite.token, publicKeyJwk: await exportPublicJwk(keys.publicKey), planHash }));
      return send(coord.url, { method: 'POST', path: '/api/v1/join', body, contentType: 'application/json' });
    };
    // a key that is no point of P-256 is refused before the invite is spent
    const { exportPublicJwk } = await import('../core/protocol/signing.ts');
    const jwk = await exportPublicJwk(keys.publicKey);
    const offCurve = { ...jwk, y: jwk.x };
    const bad = await send(coord.url, { method: 'POST', path: '/api/v1/join', body: new TextEncoder().encode(JSON.stringify({ inviteToken: invite.token, publicKeyJwk: offCurve, planHash })), contentType: 'application/json' });
    expect({ status: bad.status, code: bad.json.error.code }).toEqual({ status: 422, code: 'PUBLIC_KEY_INVALID' });
    const first = await join();
    expect(first.status).toBe(200);
    z = { siteId: first.json.siteId, privateKey: keys.privateKey };
    const again = await join();
    expect([again.status, again.json.siteId]).toEqual([200, first.json.siteId]);
    const other = await exportPublicJwk((await generateSiteKeyPair()).publicKey);
    await expectRefused(send(coord.url, { method: 'POST', path: '/api/v1/join', body: new TextEncoder().encode(JSON.stringify({ inviteToken: invite.token, publicKeyJwk: other, planHash })), contentType: 'application/json' }), 403, 'INVITE_INVALID');
  });

  it('a replayed upload, while the first copy is accepted once', async () => {
    // Hospital Z joined above and never uploads: the round stays open for the next tests
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.01));
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body, contentType: 'application/octet-stream' };
    const headers = await signedHeaders(a.siteId, a.privateKey, req);
    const first = await send(coord.url, { ...req, headers });
    expect(first.status).toBe(200);
    expect(first.json.status).toBe('accepted');
    await expectRefused(send(coord.url, { ...req, headers }), 401, 'REPLAYED');
    // the same update signed afresh is an idempotent duplicate
    const again = await sendUpdate(coord.url, a, 1, body);
    expect(again.json).toMatchObject({ status: 'duplicate', round: 1 });
    const status = ((await operatorStatusOf(coord)) as any);
    expect(status.rounds[0].updates.map((u: any) => u.siteId)).toEqual([a.siteId]);
  });

  it('a second, different update for the same round', async () => {
    const body = await updateEnvelope(plan, a, 1, model1, constantDelta(global, 0.05));
    await expectRefused(sendUpdate(coord.url, a, 1, body), 409, 'UPDATE_CONFLICT');
  });

  it('a stale round after it closed', async () => {
    const late = await joinSite(coord, 'Hospital Late');
    // close round 1: B and the two other active sites report
    for (const s of [b, late]) {
      const r = await sendUpdate(coord.url, s, 1, await updateEnvelope(plan, s, 1, model1, constantDelta(global, 0.01)));
      expect(r.status).toBe(200);
    }
    const zRecord = ((await operatorStatusOf(coord)) as any).sites.find((s: any) => s.name === 'Hospital Z');
    expect(zRecord.status).toBe('active');
    // Hospital Z never reports; the operator revokes it (as `fedseg invite --revoke` does)
    const { SqliteStore } = await import('./storage/sqliteStore.ts');
    const { dataPaths } = await import('./startCoordinator.ts');
    const store = new SqliteStore(dataPaths(dir.path).db);
    await store.revokeSite(zRecord.id, Date.now());
    await store.close();
    await coord.federation.tick();
    const round = await a.client.waitForRound(1, 10);
    expect(round.round).toBe(2);
    const stale = await updateEnvelope(plan, b, 1, model1, constantDelta(global, 0.03));
    await expectRefused(sendUpdate(coord.url, b, 1, stale), 409, 'UPDATE_CONFLICT');
    const fresh = await joinSite(coord, 'Hospital New');
    const staleNew = await updateEnvelope(plan, fresh, 1, model1, constantDelta(global, 0.03));
    await expectRefused(sendUpdate(coord.url, fresh, 1, staleNew), 409, 'ROUND_CLOSED');
  });

  it('a revoked site', async () => {
    const status = ((await operatorStatusOf(coord)) as any);
    expect(status.rounds[0].summary).toMatchObject({ updates: 3, reason: 'all-reported' });
    expect(status.sites.find((s: any) => s.name === 'Hospital Z').status).toBe('revoked');
    const req = { method: 'GET', path: '/api/v1/me' };
    await expectRefused(send(coord.url, { ...req, headers: await signedHeaders(z!.siteId, z!.privateKey, req) }), 403, 'SITE_REVOKED');
  });

  it('and records each refusal in the audit log', async () => {
    const { SqliteStore } = await import('./storage/sqliteStore.ts');
    const { dataPaths } = await import('./startCoordinator.ts');
    const store = new SqliteStore(dataPaths(dir.path).db);
    const entries = (await store.auditLog()).filter((e) => e.action === 'refused');
    const refused = entries.map((e) => e.detail.code);
    await store.close();
    // a refusal is filed under a site only once its signature verified; before that the site is a claim
    const forged = entries.find((e) => e.detail.code === 'BAD_SIGNATURE')!;
    expect({ siteId: forged.siteId, claimed: forged.detail.claimedSite }).toEqual({ siteId: null, claimed: a.siteId });
    expect(entries.find((e) => e.detail.code === 'UPDATE_SHAPE')!).toMatchObject({ siteId: a.siteId });
    // a replay carries the site's own signature: filed under that site
    expect(entries.find((e) => e.detail.code === 'REPLAYED')!.siteId).not.toBeNull();
    for (const code of ['PLAN_MISMATCH', 'UPDATE_SHAPE', 'UPDATE_NONFINITE', 'BODY_TOO_LARGE', 'BAD_SIGNATURE', 'UNKNOWN_SITE', 'REPLAYED', 'UPDATE_CONFLICT', 'ROUND_CLOSED', 'INVITE_INVALID', 'SITE_REVOKED']) {
      expect(refused).toContain(code);
    }
  });
});
