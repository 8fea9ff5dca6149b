import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqliteStore.ts';
import { BlobStore } from './blobStore.ts';
import type { RoundRecord, UpdateRecord } from './federationStore.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fedseg-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const round1: RoundRecord = {
  round: 1, status: 'open', globalModel: 'a'.repeat(64), openedAt: 1, deadline: 100, extensions: 0,
  closedAt: null, resultModel: null, summary: null,
};
const update: UpdateRecord = {
  round: 1, siteId: 's1', payloadHash: 'b'.repeat(64), baseModel: 'a'.repeat(64), sampleCount: 5,
  codec: 'float32', bytes: 10, metrics: { loss: 0.5 }, receivedAt: 5,
};

describe('SqliteStore', () => {
  it('recognises a retried join (same invite, same key) as the same site, until the site is revoked', async () => {
    const s = new SqliteStore(join(tempDir(), 'fed.sqlite'));
    await s.initialise({ planJson: '{}', planHash: 'p'.repeat(64), createdAt: 1 }, round1);
    await s.createInvite({ id: 's1', name: 'Hospital A', tokenHash: 'h1', at: 2 });
    const key = { kty: 'EC', crv: 'P-256', x: 'x1', y: 'y1' };
    expect(await s.redeemInvite('h1', key, 3, { kind: 'browser', backend: 'webgpu' })).toMatchObject({ site: { id: 's1', status: 'active', joinedAt: 3 }, repeated: false });
    // what the site runs on is kept with its join
    expect((await s.auditLog()).find((e) => e.action === 'joined')!.detail).toEqual({ name: 'Hospital A', client: { kind: 'browser', backend: 'webgpu' } });
    // members in another order: the same key
    expect(await s.redeemInvite('h1', { y: 'y1', x: 'x1', crv: 'P-256', kty: 'EC' }, 5)).toMatchObject({ site: { id: 's1', joinedAt: 3 }, repeated: true });
    expect(await s.redeemInvite('h1', { ...key, x: 'x2' }, 5)).toBeNull();
    await s.revokeSite('s1', 6);
    expect(await s.redeemInvite('h1', key, 7)).toBeNull();
    expect((await s.auditLog({ limit: 10 })).map((e) => e.action).filter((a) => /join|revoked/.test(a)).sort()).toEqual(['join-repeated', 'joined', 'revoked']);
    await s.close();
  });

  it('keeps the federation, sites, rounds, updates and the audit log across reopening', async () => {
    const file = join(tempDir(), 'fed.sqlite');
    const s = new SqliteStore(file);
    expect(await s.federation()).toBeNull();
    await s.initialise({ planJson: '{}', planHash: 'p'.repeat(64), createdAt: 1 }, round1);
    await s.createInvite({ id: 's1', name: 'Hospital A', tokenHash: 'h1', at: 2 });
    const key = { kty: 'EC', crv: 'P-256', x: 'x1', y: 'y1' };
    expect(await s.redeemInvite('nope', key, 3)).toBeNull();
    const joined = await s.redeemInvite('h1', key, 3);
    expect(joined).toMatchObject({ site: { status: 'active', joinedAt: 3 }, repeated: false });
    expect(await s.redeemInvite('h1', { ...key, y: 'y2' }, 4)).toBeNull(); // one-time: no other key
    expect(await s.recordUpdate(update)).toBe('new');
    expect(await s.recordUpdate(update)).toBe('duplicate');
    expect(await s.recordUpdate({ ...update, payloadHash: 'c'.repeat(64) })).toBe('conflict');
    await s.close();

    const t = new SqliteStore(file);
    expect((await t.federation())?.planHash).toBe('p'.repeat(64));
    expect((await t.site('s1'))?.publicKey).toEqual({ kty: 'EC', crv: 'P-256', x: 'x1', y: 'y1' });
    expect((await t.currentRound())?.status).toBe('collecting');
    expect(await t.updates(1)).toEqual([update]);
    await t.closeRound(1, { resultModel: 'd'.repeat(64), closedAt: 9, summary: { updates: 1 } }, { ...round1, round: 2, globalModel: 'd'.repeat(64), openedAt: 9 });
    expect((await t.round(1))?.status).toBe('closed');
    expect((await t.currentRound())?.round).toBe(2);
    const actions = (await t.auditLog()).map((a) => a.action);
    expect(actions).toEqual(['federation-created', 'round-opened', 'invited', 'joined', 'update-accepted', 'aggregated', 'round-opened']);
    await t.close();
  });

  it('opens a database made before update norms were kept: the column is added, old rows have none', async () => {
    const file = join(tempDir(), 'fed.sqlite');
    const s = new SqliteStore(file);
    await s.initialise({ planJson: '{}', planHash: 'p'.repeat(64), createdAt: 1 }, round1);
    expect(await s.recordUpdate(update)).toBe('new');
    await s.close();
    // as the table was before the norm column
    const old = new Database(file);
    old.exec('ALTER TABLE updates DROP COLUMN norm');
    old.exec('ALTER TABLE sites DROP COLUMN last_seen');
    old.exec('ALTER TABLE sites DROP COLUMN paused_at');
    old.close();
    const t = new SqliteStore(file);
    expect(await t.updates(1)).toEqual([update]);
    expect(await t.recordUpdate({ ...update, siteId: 's2', norm: 2.75 })).toBe('new');
    expect((await t.updates(1)).map((u) => u.norm)).toEqual([undefined, 2.75]);
    // a signed request's nonce marks its site seen, at the coordinator's time; a replayed one does not
    await t.createInvite({ id: 's1', name: 'Hospital A', tokenHash: 'h1', at: 2 });
    expect((await t.site('s1'))?.lastSeenAt).toBeNull();
    expect(await t.rememberNonce('s1', 'n1', 50, 0)).toBe(true);
    expect(await t.rememberNonce('s1', 'n1', 60, 0)).toBe(false);
    expect((await t.site('s1'))?.lastSeenAt).toBe(50);
    // only an active site stops taking part, once, and takes part again, once
    expect((await t.site('s1'))?.pausedAt).toBeNull();
    expect(await t.setParticipation('s1', false, 70)).toBe(false);
    expect(await t.redeemInvite('h1', { kty: 'EC' }, 80)).not.toBeNull();
    expect([await t.setParticipation('s1', false, 90), await t.setParticipation('s1', false, 95)]).toEqual([true, false]);
    expect((await t.site('s1'))?.pausedAt).toBe(90);
    expect([await t.setParticipation('s1', true, 99), await t.setParticipation('s1', true, 99)]).toEqual([true, false]);
    expect((await t.site('s1'))?.pausedAt).toBeNull();
    await t.close();
  });

  it('remembers nonces per site within the window', async () => {
    const s = new SqliteStore(join(tempDir(), 'fed.sqlite'));
    expect(await s.rememberNonce('s1', 'n1', 100, 0)).toBe(true);
    expect(await s.rememberNonce('s1', 'n1', 101, 0)).toBe(false);
    expect(await s.rememberNonce('s2', 'n1', 101, 0)).toBe(true);
    await s.close();
  });
});

describe('BlobStore', () => {
  it('stores bytes under their SHA-256, once', async () => {
    const b = new BlobStore(tempDir());
    const bytes = new TextEncoder().encode('hello');
    const h = await b.put(bytes);
    expect(h).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(await b.put(bytes)).toBe(h);
    expect(new TextDecoder().decode(await b.getVerified(h))).toBe('hello');
    expect(b.has('0'.repeat(64))).toBe(false);
    expect(() => b.get('0'.repeat(64))).toThrow(/no blob/);
    expect(() => b.pathOf('../etc/passwd')).toThrow(/SHA-256/);
  });
});
