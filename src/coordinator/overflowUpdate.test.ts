/**
 * An update of finite values whose model would not be finite: FedAvg of finite local models
 * is finite, so such an update is the only way a site could make the next global model
 * overflow float32 (and every aggregation after it fail as MODEL_NONFINITE, for good).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLocalModelFinite } from '../core/protocol/weightSpec.ts';
import { constantDelta, globalWeights, joinSite, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope } from './testing/testFederation.ts';

const dir = tempDir();
afterAll(() => dir.remove());

describe('checkLocalModelFinite', () => {
  it('takes a huge update on a small weight, and refuses one whose sum overflows float32', () => {
    const base = [{ name: 'w', shape: [2], values: Float32Array.of(0.1, 3e38) }];
    expect(() => checkLocalModelFinite(base, [{ name: 'w', shape: [2], values: Float32Array.of(3.4e38, -3e38) }])).not.toThrow();
    expect(() => checkLocalModelFinite(base, [{ name: 'w', shape: [2], values: Float32Array.of(0, 3e38) }])).toThrow(expect.objectContaining({ code: 'UPDATE_NONFINITE', message: expect.stringMatching(/tensor "w".*global \+ update.*at index 1/) }));
  });
});

describe('a site that pushes the model towards float32 overflow', () => {
  it('is refused in the round where its model would overflow, and the round goes on', async () => {
    const plan = testPlan({ rounds: 2, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
    const coord = await startTestCoordinator(plan, join(dir.path, 'data'));
    try {
      const site = await joinSite(coord, 'A');
      const r1 = await site.client.round();
      const g1 = await globalWeights(site, r1.globalModelHash);
      // round 1: finite, and finite on top of the initial weights: accepted, the model is about 3e38
      expect((await sendUpdate(coord.url, site, 1, await updateEnvelope(plan, site, 1, r1.globalModelHash, constantDelta(g1, 3e38)))).json.status).toBe('accepted');
      const r2 = await site.client.waitForRound(1, 10);
      expect(r2.round).toBe(2);
      const g2 = await globalWeights(site, r2.globalModelHash);
      // round 2: the same again would be 6e38
      const refused = await sendUpdate(coord.url, site, 2, await updateEnvelope(plan, site, 2, r2.globalModelHash, constantDelta(g2, 3e38)));
      expect([refused.status, refused.json.error.code]).toEqual([422, 'UPDATE_NONFINITE']);
      // a sane update still closes the round
      expect((await sendUpdate(coord.url, site, 2, await updateEnvelope(plan, site, 2, r2.globalModelHash, constantDelta(g2, -3e38)))).json.status).toBe('accepted');
      expect((await site.client.waitForRound(2, 10)).finished).toBe(true);
    } finally {
      await coord.close();
    }
  });
});
