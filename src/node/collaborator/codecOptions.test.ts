/**
 * A site encodes its update with the plan's codec *and its options*, as the coordinator
 * decodes it: a top-k plan with a non-default fraction is accepted end to end.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../core/model/modelPresets.ts';
import type { SiteEvent } from '../../core/protocol/client/runSite.ts';
import { startTestCoordinator, tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';

const dir = tempDir();
afterAll(() => dir.remove());

describe('codec options on the wire', () => {
  it('a top-k update with fraction 0.05 is encoded by the site and accepted by the coordinator', async () => {
    await tf.setBackend('cpu');
    const plan = testPlan({ rounds: 1, codec: { name: 'topk', options: { fraction: 0.05 } }, validation: { fraction: 0 } });
    const coord = await startTestCoordinator(plan, dir.path);
    try {
      const invite = await coord.invite('Site A');
      const events: SiteEvent[] = [];
      const result = await runCollaborator({
        url: coord.url,
        invite: invite.token,
        data: (p) => syntheticSite({ profile: 'small-clinic', seed: 7, cases: 1, size: 16 }, getPreset(p.model.preset).patchSize, p.validation.fraction),
        onEvent: (e) => events.push(e),
        pollSeconds: 2,
      });
      expect(events.filter((e) => e.kind === 'refused')).toEqual([]);
      expect(result.roundsTrained).toEqual([1]);
      expect(result.finalModel).not.toBeNull();
    } finally {
      await coord.close();
    }
  });
});
