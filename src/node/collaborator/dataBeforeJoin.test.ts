/**
 * A collaborator whose cases cannot be loaded (a wrong --data folder, an unknown
 * --synthetic profile) stops before it joins: the one-time invite is still unused.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCoordinator } from '../../coordinator/startCoordinator.ts';
import { operatorStatusOf, startTestCoordinator, tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';

const plan = testPlan({ rounds: 1 });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = tempDir();
  coord = await startTestCoordinator(plan, dir.path);
});
afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

describe('a collaborator whose cases cannot be loaded', () => {
  it('does not use up its invite: the same invite joins once the data is right', async () => {
    const invite = await coord.invite('Hospital A');
    await expect(runCollaborator({
      url: coord.url, invite: invite.token, retry: { attempts: 1 },
      data: () => {
        throw new FedsegError('NO_CASES', '/nothere: found no complete labelled case');
      },
    })).rejects.toThrow(/NO_CASES|found no complete labelled case/);
    expect((await operatorStatusOf(coord)).sites.map((s) => s.status)).toEqual(['invited']);
    const joined = await runCollaborator({
      url: coord.url, invite: invite.token, retry: { attempts: 1 }, stopBeforeTrainingRound: 1,
      data: (p) => syntheticSite({ profile: 'small-clinic', cases: 2, size: 16 }, 16, p.validation.fraction),
    });
    expect(joined.siteId).toBe(invite.siteId);
    expect((await operatorStatusOf(coord)).sites.map((s) => s.status)).toEqual(['active']);
  });
});
