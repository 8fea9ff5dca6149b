/**
 * A coordinator stopped while it aggregated a round starts again with that round collecting,
 * in memory and in its record (GET /status and the database agree).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { operatorStatusOf, startTestCoordinator, tempDir, testPlan } from './testing/testFederation.ts';

describe('resuming a round that was aggregating', () => {
  it('records it as collecting again', async () => {
    const dir = tempDir();
    const data = join(dir.path, 'data');
    const plan = testPlan({ rounds: 1 });
    try {
      await (await startTestCoordinator(plan, data)).close();
      // the process died between marking the round aggregating and closing it
      const store = new SqliteStore(dataPaths(data).db);
      await store.setRoundStatus(1, 'aggregating');
      await store.close();
      const coord = await startTestCoordinator(plan, data);
      try {
        const s = await operatorStatusOf(coord);
        expect([s.current.state, s.rounds[0]!.status]).toEqual(['collecting', 'collecting']);
      } finally {
        await coord.close();
      }
    } finally {
      dir.remove();
    }
  });
});
