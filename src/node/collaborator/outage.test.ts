/**
 * Interruptions a site lives through. A coordinator outage longer than the client's own
 * retries (here: none) does not stop it: the coordinator goes down after the site's first
 * upload and comes back on the same port a moment later; the site waits it out (telling
 * why) and finishes the federation; under secure aggregation too, with the outage in the
 * middle of the key exchange. A site resumed after its upload (a reloaded page)
 * waits for the next round instead of training the sent one again, and one whose round
 * closed while it evaluated the round's model does not train for the closed round. A site
 * whose training diverges sits those rounds out and stays to the federation's end. One
 * whose update is held back before it goes (the page's late GPU fault check) sends nothing.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../core/model/modelPresets.ts';
import type { SiteEvent } from '../../core/protocol/client/runSite.ts';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope } from '../../coordinator/testing/testFederation.ts';
import { runSite } from '../../core/protocol/client/runSite.ts';
import { ProtocolClient } from '../../core/protocol/client/protocolClient.ts';
import type { FetchLike } from '../../core/protocol/client/fetchLike.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';
import { FedsegError } from '../../core/util/errors.ts';

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
  }, 60_000);
});

describe('sites under secure aggregation during a coordinator outage', () => {
  it('wait for the coordinator to come back in the middle of the key exchange and finish the round', async () => {
    await tf.setBackend('cpu');
    const secure = testPlan({ rounds: 1, training: { localSteps: 2 }, stragglers: { minSites: 2, roundDeadlineSeconds: 300 }, privacy: { secureAggregation: { enabled: true, clipRange: 0.5 } } });
    const start = (port: number) => startCoordinator({ plan: secure, dataDir: join(dir.path, 'secure-outage'), port, staticRoot: null, log: () => undefined, clockMs: 50 });
    let coord: RunningCoordinator = await start(0);
    const port = coord.port;
    let outage: Promise<void> | null = null;
    let back: Promise<void> | null = null;
    try {
      // (clients that try each request once: only runSite's waiting rides out the outage)
      const sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B')];
      const planHash = (await sites[0]!.client.round()).planHash;
      const events: SiteEvent[] = [];
      const results = await Promise.all(sites.map((site, i) => runSite({
        client: site.client, plan: secure, planHash, pollSeconds: 1, seed: i,
        data: syntheticSite({ profile: 'academic-3t', seed: 5 + i, cases: 2, size: 16 }, getPreset(secure.model.preset).patchSize, 0),
        onEvent: (e) => {
          events.push(e);
          // the coordinator goes away while the sites train, so their first secure-aggregation request finds it gone
          if (e.kind === 'training') outage ??= coord.close();
          if (e.kind === 'offline') back ??= outage!.then(async () => void (coord = await start(port)));
        },
      })));
      expect(results.map((r) => r.roundsTrained)).toEqual([[1], [1]]);
      expect(results[0]!.finalModel).toMatch(/^[0-9a-f]{64}$/);
      expect(events.some((e) => e.kind === 'offline' && e.what.startsWith('secure aggregation'))).toBe(true);
    } finally {
      await back;
      await coord.close();
    }
  }, 90_000);
});

describe('a site resumed after it sent its update', () => {
  it('waits for the next round and does not train the sent one again', async () => {
    await tf.setBackend('cpu');
    const two = testPlan({ rounds: 2, training: { localSteps: 2 }, stragglers: { minSites: 2, roundDeadlineSeconds: 300 } });
    const coord = await startTestCoordinator(two, join(dir.path, 'resume'));
    try {
      const [a, b] = [await joinSite(coord, 'A'), await joinSite(coord, 'B')];
      // A sent its round-1 update before the page went away; B has not yet
      const r1 = await a.client.round();
      const sent = await sendUpdate(coord.url, a, 1, await updateEnvelope(two, a, 1, r1.globalModelHash, constantDelta(await globalWeights(a, r1.globalModelHash), 0.001)));
      expect(sent.json.status).toBe('accepted');
      const data = syntheticSite({ profile: 'academic-3t', seed: 5, cases: 2, size: 16 }, getPreset(two.model.preset).patchSize, 0);
      const events: SiteEvent[] = [];
      const [resumed, other] = await Promise.all([
        runSite({ client: a.client, plan: two, planHash: r1.planHash, data, pollSeconds: 1, afterRound: 1, onEvent: (e) => events.push(e) }),
        runSite({ client: b.client, plan: two, planHash: r1.planHash, data, pollSeconds: 1 }),
      ]);
      expect(resumed.roundsTrained).toEqual([2]);
      expect(events.filter((e) => e.kind === 'refused')).toEqual([]);
      expect(events.some((e) => e.kind === 'training' && e.round === 1)).toBe(false);
      expect(other.roundsTrained).toEqual([1, 2]);
    } finally {
      await coord.close();
    }
  }, 60_000);
});

describe('a site whose round closes while it evaluates', () => {
  it('does not train for the closed round, and trains the next', async () => {
    await tf.setBackend('cpu');
    // a round closes at its deadline with the one site that reported
    const two = testPlan({ rounds: 2, training: { localSteps: 2 }, stragglers: { minSites: 1, roundDeadlineSeconds: 1 }, validation: { minReportCases: 1 } });
    const coord = await startTestCoordinator(two, join(dir.path, 'closed'));
    try {
      const [a, b] = [await joinSite(coord, 'A'), await joinSite(coord, 'B')];
      const r1 = await b.client.round();
      const bUpdate = await updateEnvelope(two, b, 1, r1.globalModelHash, constantDelta(await globalWeights(b, r1.globalModelHash), 0.001));
      // B's update is in and round 1 has closed at its deadline just before A's evaluation report arrives
      let closed = false;
      let bStatus = '';
      const fetchA: FetchLike = async (url, init) => {
        if (!closed && url.endsWith('/rounds/1/evaluation')) {
          closed = true;
          bStatus = (await sendUpdate(coord.url, b, 1, bUpdate)).json.status;
          while ((await b.client.round()).round === 1) await new Promise((r) => setTimeout(r, 50));
        }
        return globalThis.fetch(url, init as RequestInit) as unknown as ReturnType<FetchLike>;
      };
      const client = new ProtocolClient({ baseUrl: coord.url, fetch: fetchA, credentials: { siteId: a.siteId, privateKey: a.privateKey }, retry: { attempts: 1 } });
      const data = syntheticSite({ profile: 'academic-3t', seed: 5, cases: 4, size: 16 }, getPreset(two.model.preset).patchSize, 0.5);
      const events: SiteEvent[] = [];
      const result = await runSite({ client, plan: two, planHash: r1.planHash, data, pollSeconds: 1, onEvent: (e) => events.push(e) });
      expect([closed, bStatus]).toEqual([true, 'accepted']);
      expect(events.filter((e) => e.kind === 'refused').map((e) => e.kind === 'refused' && [e.round, e.code])).toEqual([[1, 'ROUND_CLOSED']]);
      expect(events.some((e) => e.kind === 'training' && e.round === 1)).toBe(false);
      expect(result.roundsTrained).toEqual([2]);
    } finally {
      await coord.close();
    }
  }, 60_000);
});

describe('a site whose local training diverges', () => {
  it('sends nothing for those rounds, says why, and stays in the federation to its end', async () => {
    await tf.setBackend('cpu');
    const two = testPlan({ rounds: 2, training: { localSteps: 2 }, stragglers: { minSites: 1, roundDeadlineSeconds: 1 } });
    const coord = await startTestCoordinator(two, join(dir.path, 'diverged'));
    try {
      const [a, b] = [await joinSite(coord, 'A'), await joinSite(coord, 'B')];
      const planHash = (await a.client.round()).planHash;
      const data = syntheticSite({ profile: 'academic-3t', seed: 5, cases: 2, size: 16 }, getPreset(two.model.preset).patchSize, 0);
      // A's scans hold NaN (a broken conversion): its loss is NaN at the first step of every round
      const poisoned = { ...data, train: data.train.map((c) => ({ ...c, image: new Uint16Array(c.image.length).fill(0x7e00 /* the half NaN */) })) };
      const events: SiteEvent[] = [];
      const [diverged, healthy] = await Promise.all([
        runSite({ client: a.client, plan: two, planHash, data: poisoned, pollSeconds: 1, onEvent: (e) => events.push(e) }),
        runSite({ client: b.client, plan: two, planHash, data, pollSeconds: 1 }),
      ]);
      expect(events.filter((e) => e.kind === 'skipped').map((e) => e.kind === 'skipped' && [e.round, e.code])).toEqual([[1, 'TRAINING_DIVERGED'], [2, 'TRAINING_DIVERGED']]);
      expect(events.some((e) => e.kind === 'uploaded')).toBe(false);
      expect(diverged).toMatchObject({ roundsTrained: [], stoppedEarly: false, finalModel: healthy.finalModel });
      expect(healthy.roundsTrained).toEqual([1, 2]);
    } finally {
      await coord.close();
    }
  }, 60_000);
});

describe('a site whose trained update is held back (a GPU fault heard late)', () => {
  it('sends nothing when beforeSend throws, and ends with its reason', async () => {
    await tf.setBackend('cpu');
    const coord = await startTestCoordinator(plan, join(dir.path, 'held'));
    try {
      const a = await joinSite(coord, 'A');
      const { planHash } = await a.client.round();
      const data = syntheticSite({ profile: 'academic-3t', seed: 6, cases: 2, size: 16 }, getPreset(plan.model.preset).patchSize, 0);
      const seen: number[] = [];
      await expect(runSite({
        client: a.client, plan, planHash, data, pollSeconds: 1,
        beforeSend: async (round) => {
          seen.push(round);
          throw new FedsegError('GPU_FAULT', 'the GPU ran out of memory');
        },
      })).rejects.toMatchObject({ code: 'GPU_FAULT' });
      expect(seen).toEqual([1]);
      expect(await a.client.round()).toMatchObject({ round: 1, reportedSites: 0 });
    } finally {
      await coord.close();
    }
  }, 60_000);
});
