import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusalAudit } from './refusalAudit.ts';
import { dataPaths } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import type { NewAudit } from './storage/federationStore.ts';
import { send, startTestCoordinator, tempDir, testPlan } from './testing/testFederation.ts';

describe('RefusalAudit', () => {
  it('writes anonymous refusals up to its budget a minute, counts the rest, and writes the counts when the minute is over', async () => {
    let t = 60_000 * 1000;
    const rows: NewAudit[] = [];
    const audit = new RefusalAudit({ write: async (e) => void rows.push(e), now: () => t, perMinute: 3 });
    for (let i = 0; i < 5; i++) await audit.record(null, 'MESSAGE_INVALID', 'POST /api/v1/join', null, 1);
    await audit.record(null, 'SIGNATURE_MISSING', 'POST /api/v1/rounds/1/update', null, 1);
    // a verified site's refusal is always written; a replay (anyone with a copy can send it) is counted
    await audit.record('site-a', 'UPDATE_CONFLICT', 'POST /api/v1/rounds/1/update', null, 1);
    await audit.record('site-a', 'REPLAYED', 'POST /api/v1/rounds/1/update', null, 1);
    expect(rows.map((r) => [r.action, r.siteId, r.detail.code])).toEqual([
      ['refused', null, 'MESSAGE_INVALID'], ['refused', null, 'MESSAGE_INVALID'], ['refused', null, 'MESSAGE_INVALID'], ['refused', 'site-a', 'UPDATE_CONFLICT'],
    ]);
    t += 60_000;
    await audit.record(null, 'OPERATOR_TOKEN_INVALID', 'GET /api/v1/status', null, 1);
    expect(rows.slice(4).map((r) => [r.action, r.detail.counts ?? r.detail.code])).toEqual([
      ['refused-suppressed', { MESSAGE_INVALID: 2, SIGNATURE_MISSING: 1, REPLAYED: 1 }],
      ['refused', 'OPERATOR_TOKEN_INVALID'],
    ]);
    await audit.flush(); // nothing left to count
    expect(rows).toHaveLength(6);
  });

  it('cuts what the request brought to a length that holds any real value', async () => {
    const rows: NewAudit[] = [];
    const audit = new RefusalAudit({ write: async (e) => void rows.push(e), now: () => 0 });
    await audit.record(null, 'UNKNOWN_SITE', `GET /api/v1/me?${'q'.repeat(5000)}`, 'x'.repeat(8000), null);
    expect((rows[0]!.detail.request as string).length).toBeLessThan(260);
    expect(rows[0]!.detail.claimedSite).toBe(`${'x'.repeat(64)}… (8000 characters)`);
  });
});

describe('the coordinator under a flood of refused anonymous requests', () => {
  it('keeps its audit log to the budget, and its state intact', async () => {
    const dir = tempDir();
    const coord = await startTestCoordinator(testPlan({ rounds: 1 }), join(dir.path, 'data'));
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, () => send(coord.url, { method: 'POST', path: '/api/v1/join', body: new TextEncoder().encode('{}'), contentType: 'application/json' })));
      expect(new Set(answers.map((a) => `${a.status} ${a.json.error.code}`))).toEqual(new Set(['400 MESSAGE_INVALID']));
      expect((await fetch(`${coord.url}/api/v1/round`)).status).toBe(200);
    } finally {
      await coord.close();
    }
    const store = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
    const audit = await store.auditLog();
    await store.close();
    dir.remove();
    const refused = audit.filter((e) => e.action === 'refused');
    // 200 in at most two minutes' budgets; the rest counted in one entry at close
    expect(refused.length).toBeLessThanOrEqual(240);
    const counted = audit.filter((e) => e.action === 'refused-suppressed').reduce((s, e) => s + ((e.detail.counts as Record<string, number>).MESSAGE_INVALID ?? 0), 0);
    expect(refused.length + counted).toBe(200);
  });
});
