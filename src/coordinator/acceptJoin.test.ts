import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JoinRequest } from '../core/protocol/messages.ts';
import { planHash as hashPlan } from '../core/protocol/plan.ts';
import { exportPublicJwk, generateSiteKeyPair } from '../core/protocol/signing.ts';
import { acceptJoin, type JoinDeps } from './acceptJoin.ts';
import { createSiteInvite, type Invite } from './siteInvites.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { tempDir, testPlan } from './testing/testFederation.ts';

describe('acceptJoin', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  let deps: JoinDeps;
  let logged: string[];
  let invite: Invite;
  const plan = testPlan();

  const request = async (over: Partial<JoinRequest> = {}): Promise<JoinRequest> => ({
    inviteToken: invite.token, publicKeyJwk: await exportPublicJwk((await generateSiteKeyPair()).publicKey), planHash: deps.planHash, ...over,
  });
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: { status: number; code: string }) => ({ status: e.status, code: e.code }));

  beforeEach(async () => {
    dir = tempDir();
    store = new SqliteStore(join(dir.path, 'db.sqlite'));
    logged = [];
    deps = { store, plan, planHash: await hashPlan(plan), now: () => 5_000, log: (l) => logged.push(l) };
    invite = await createSiteInvite(store, 'Hospital A', 'http://127.0.0.1:1', 1_000);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it("makes the invited site active with the key, answers with its identity, and logs what it runs on", async () => {
    const req = await request({ client: { kind: 'browser', backend: 'webgpu' } });
    const { response, added } = await acceptJoin(req, deps);
    expect(added).toBe(true);
    expect(response).toEqual({ siteId: invite.siteId, siteName: 'Hospital A', federation: plan.federation, planHash: deps.planHash });
    expect(await store.site(invite.siteId)).toMatchObject({ status: 'active', publicKey: req.publicKeyJwk });
    expect(logged).toEqual([`site ${invite.siteId} ("Hospital A") joined (browser, webgpu)`]);
  });

  it('takes a retried join with the same key as the same site, not a new one', async () => {
    const req = await request();
    await acceptJoin(req, deps);
    const again = await acceptJoin(req, deps);
    expect(again.added).toBe(false);
    expect(again.response.siteId).toBe(invite.siteId);
    expect(logged[1]).toBe(`site ${invite.siteId} ("Hospital A") joined again with the same key (a retried join)`);
  });

  it('refuses a used invite with another key, and an unknown token (INVITE_INVALID)', async () => {
    await acceptJoin(await request(), deps);
    expect(await refusal(acceptJoin(await request(), deps))).toEqual({ status: 403, code: 'INVITE_INVALID' });
    expect(await refusal(acceptJoin(await request({ inviteToken: 'A'.repeat(43) }), deps))).toEqual({ status: 403, code: 'INVITE_INVALID' });
  });

  it('refuses another plan (PLAN_MISMATCH) and a key WebCrypto refuses (PUBLIC_KEY_INVALID), leaving the invite unused', async () => {
    expect(await refusal(acceptJoin(await request({ planHash: 'a'.repeat(64) }), deps))).toEqual({ status: 409, code: 'PLAN_MISMATCH' });
    const good = await request();
    // a point off the curve: x and y of the right length that no P-256 point has
    const offCurve = { ...good.publicKeyJwk, y: good.publicKeyJwk.x };
    expect(await refusal(acceptJoin({ ...good, publicKeyJwk: offCurve }, deps))).toEqual({ status: 422, code: 'PUBLIC_KEY_INVALID' });
    expect((await store.site(invite.siteId))?.status).toBe('invited');
    expect((await acceptJoin(good, deps)).added).toBe(true);
  });
});
