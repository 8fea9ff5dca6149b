/**
 * Small-cell suppression of the federated evaluation: a site reports its validation
 * scores only when they are a mean over at least the plan's validation.minReportCases
 * cases (default 5); below that they are shown at the site and never sent.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../core/model/modelPresets.ts';
import type { SiteEvent } from '../../core/protocol/client/runSite.ts';
import { MIN_REPORT_CASES_DEFAULT } from '../../core/protocol/plan.ts';
import { operatorStatusOf, startTestCoordinator, tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { runCollaborator } from './runCollaborator.ts';
import { syntheticSite } from './siteCases.ts';

const dir = tempDir();
afterAll(() => dir.remove());

/** one round of one site with 4 cases, 2 of them for validation; its evaluation events and what the coordinator holds */
async function federate(name: string, minReportCases?: number) {
  await tf.setBackend('cpu');
  const plan = testPlan({ rounds: 1, training: { localSteps: 1 }, validation: { fraction: 0.5, ...(minReportCases !== undefined ? { minReportCases } : {}) } });
  const coord = await startTestCoordinator(plan, join(dir.path, name));
  try {
    const invite = await coord.invite('Site A');
    const events: SiteEvent[] = [];
    await runCollaborator({
      url: coord.url,
      invite: invite.token,
      data: (p) => syntheticSite({ profile: 'small-clinic', seed: 7, cases: 4, size: 16 }, getPreset(p.model.preset).patchSize, p.validation.fraction),
      onEvent: (e) => events.push(e),
      pollSeconds: 2,
    });
    const status = await operatorStatusOf(coord);
    return { evaluated: events.filter((e) => e.kind === 'evaluated'), refused: events.filter((e) => e.kind === 'refused'), status };
  } finally {
    await coord.close();
  }
}

describe('the federated evaluation of a site with few validation cases', () => {
  it('stays at the site below the default minimum of 5 cases: evaluated there, never sent', async () => {
    expect(MIN_REPORT_CASES_DEFAULT).toBe(5);
    const { evaluated, refused, status } = await federate('default');
    // round 1's model and the final model, both on 2 cases
    expect(evaluated.map((e) => e.kind === 'evaluated' && [e.round, e.cases, e.reported])).toEqual([[1, 2, false], [2, 2, false]]);
    // nothing refused, nothing received: the reports were never sent
    expect(refused).toEqual([]);
    expect(status.rounds[0]!.evaluations).toEqual([]);
    expect(status.final).toBeNull();
    expect(status.rounds[0]!.updates).toHaveLength(1); // the update still goes
  }, 60_000);

  it('is reported when the plan allows means over as few cases as the site has', async () => {
    const { evaluated, status } = await federate('two', 2);
    expect(evaluated.map((e) => e.kind === 'evaluated' && e.reported)).toEqual([true, true]);
    expect(status.rounds[0]!.evaluations).toEqual([expect.objectContaining({ cases: 2 })]);
  }, 60_000);
});
