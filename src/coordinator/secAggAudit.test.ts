/**
 * A secure-aggregation message the session took while its audit entry could not be written
 * (a failing disk: here an SQLite trigger that aborts the insert) is answered 500; sent
 * again, it is a duplicate, and its audit entry is written then. Real HTTP, real SQLite.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SecAggClient } from '../core/privacy/secAggClient.ts';
import { dataPaths } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { coordinatorPerTest } from './testing/coordinatorPerTest.ts';
import { joinSite, testPlan } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 600 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });

describe('the audit of a secure-aggregation message', () => {
  const fed = coordinatorPerTest(plan, 'fedseg-secagg-audit-');

  it('is written when the message comes again after its first write failed', async () => {
    const a = await joinSite(fed.coord, 'A', { attempts: 1 });
    const advert = await (await SecAggClient.create(a.siteId, 1, 1)).advertise();
    const db = new Database(dataPaths(fed.dataDir).db);
    try {
      db.exec("CREATE TRIGGER audit_fails BEFORE INSERT ON audit WHEN NEW.action = 'secagg-advertise' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
      await expect(a.client.secAggPost(1, 'advertise', advert)).rejects.toMatchObject({ status: 500 });
      db.exec('DROP TRIGGER audit_fails');
    } finally {
      db.close();
    }
    expect(await a.client.secAggPost(1, 'advertise', advert)).toMatchObject({ status: 'duplicate' });
    // once: a third copy adds nothing
    expect(await a.client.secAggPost(1, 'advertise', advert)).toMatchObject({ status: 'duplicate' });
    const store = new SqliteStore(dataPaths(fed.dataDir).db);
    try {
      expect((await store.auditLog({ siteId: a.siteId, action: 'secagg-advertise' })).map((e) => e.round)).toEqual([1]);
    } finally {
      await store.close();
    }
  });
});
