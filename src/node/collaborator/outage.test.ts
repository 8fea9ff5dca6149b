/**
 * A coordinator outage longer than the client's own retries (here: none) does not stop a
 * site: the coordinator goes down after the site's first upload and comes back on the same
 * port a moment later; the site waits it out (telling why) and finishes the federation.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../core/model/modelPresets.ts';
import type { SiteEvent } from '../../core/protocol/client/runSite.ts';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/startCoordinator.ts';
import { tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';

const plan = testPlan({ rounds: 2, training: { localSteps: 2 }, stragglers: { minSites: 1, roundDeadlineSeconds: 300 } });
const dir = tempDir();
afterAll(() => dir.remove());

describe('a site during a coordinator outage', () => {
  it('waits for the coordinator to come back and finishes the federation', async () => {
    await tf.setBackend('cpu');
    const start = (port: number) => startCoordinator({ plan, dataDir: join(dir.path, 'data'), port, staticRoot: null, log: () => undefined, clockMs: 50 });
    let coord: RunningCoordinator = await start(0);
    const port = coord.port;
    const invite = await coord.invite('Site A');
    const events: SiteEvent[] = [];
    let outage: Promise<void> | null = null;
    let back: Promise<void> | null = null;
    try {
      const result = await runCollaborator({
        url: coord.url, invite: invite.token, seed: 1, pollSeconds: 1, retry: { attempts: 1 },
        data: (p) => syntheticSite({ profile: 'academic-3t', seed: 5, cases: 2, size: 16 }, getPreset(p.model.preset).patchSize, 0),
        onEvent: (e) => {
          events.push(e);
          if (e.kind === 'uploaded' && e.round === 1) outage ??= coord.close();
          if (e.kind === 'offline') back ??= outage!.then(async () => void (coord = await start(port)));
        },
      });
      expect(result.roundsTrained).toEqual([1, 2]);
      expect(result.finalModel).toMatch(/^[0-9a-f]{64}$/);
      const offline = events.filter((e) => e.kind === 'offline');
      expect(offline.length).toBeGreaterThanOrEqual(1);
      expect(offline[0]).toMatchObject({ retryInMs: 2000, message: expect.stringContaining('could not be reached') });
    } finally {
      await back;
      await coord.close();
    }
  }, 120_000);
});
