/**
 * A collaborator stopped (Ctrl-C aborts its signal) tells the coordinator, as the page's
 * Stop does: the round it was in stops waiting for it. Real HTTP on loopback, real SQLite.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../core/model/modelPresets.ts';
import { coordinatorPerTest } from '../../coordinator/testing/coordinatorPerTest.ts';
import { joinSite, operatorStatusOf, testPlan } from '../../coordinator/testing/testFederation.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';

// a second site and a long deadline: round 1 waits for that site, which never sends
const plan = testPlan({ rounds: 2, training: { localSteps: 2 }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });

describe('a collaborator that is stopped', () => {
  const fed = coordinatorPerTest(plan, 'fedseg-stopped-collaborator-');

  it('tells the coordinator it stopped taking part, and the round no longer waits for it', async () => {
    await tf.setBackend('cpu');
    const coord = fed.coord;
    const other = await joinSite(coord, 'Other site');
    const invite = await coord.invite('Stopped site');
    const stop = new AbortController();
    const told: boolean[] = [];
    const result = await runCollaborator({
      url: coord.url, invite: invite.token, seed: 1, pollSeconds: 1, signal: stop.signal, onStopped: (t) => told.push(t),
      data: (p) => syntheticSite({ profile: 'academic-3t', seed: 5, cases: 2, size: 16 }, getPreset(p.model.preset).patchSize, 0),
      // stopped once it trained: the round still waits for the other site
      onEvent: (e) => {
        if (e.kind === 'training') stop.abort();
      },
    }).catch((e: unknown) => e);
    // stopped in the middle of training: the run ends with the trainer's stop
    expect(result).toMatchObject({ message: expect.stringContaining('training was stopped') });
    expect(told).toEqual([true]);
    const me = (await operatorStatusOf(coord)).sites.find((s) => s.name === 'Stopped site')!;
    expect(me.pausedAt).toEqual(expect.any(Number));
    expect(await other.client.round()).toMatchObject({ round: 1, expectedSites: 1 });
  }, 60_000);
});
