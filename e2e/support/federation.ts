/**
 * A real federation for the page's specs: the coordinator on loopback serving dist/
 * (with its own CSP and headers) over a temporary data folder, and headless
 * collaborators on synthetic cases running the core's site loop in this process.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePlan, type Plan, type PlanInput } from '../../src/core/protocol/plan.ts';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/startCoordinator.ts';
import { runCollaborator } from '../../src/node/collaborator/runCollaborator.ts';
import { syntheticSite } from '../../src/node/collaborator/siteCases.ts';
import { getPreset } from '../../src/core/model/modelPresets.ts';
import { initTfNode } from '../../src/node/tfNode.ts';
import { REPO_ROOT } from './pageServer.ts';
import { tempFolder } from './testData.ts';

export function e2ePlan(overrides: PlanInput = {}): Plan {
  return parsePlan({
    federation: 'e2e federation',
    description: 'End-to-end test: the tiny model, one round.',
    model: { preset: 'tiny', seed: 2 },
    rounds: 1,
    training: { localSteps: 2, batchSize: 1, optimizer: 'adam', learningRate: 3e-3 },
    // synthetic cases, no patients: the page's one validation case may be reported (the default is 5)
    validation: { fraction: 0.3, minReportCases: 1 },
    stragglers: { minSites: 3, roundDeadlineSeconds: 600 },
    ...overrides,
  }, 'e2e plan');
}

export interface TestFederation {
  readonly coordinator: RunningCoordinator;
  readonly url: string;
  /** resolves when every headless collaborator finished */
  readonly collaborators: Promise<unknown[]>;
  close(): Promise<void>;
}

export async function startFederation(plan: Plan, headless: number): Promise<TestFederation> {
  await initTfNode(['cpu'], { fastKernels: true });
  const dataDir = tempFolder('fedseg-e2e-coord-');
  const coordinator = await startCoordinator({ plan, dataDir, port: 0, staticRoot: resolve(REPO_ROOT, 'dist'), log: () => undefined, clockMs: 200 });
  const abort = new AbortController();
  const patch = getPreset(plan.model.preset).patchSize;
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < headless; i++) {
    const invite = await coordinator.invite(`headless-${i + 1}`);
    runs.push(runCollaborator({
      url: coordinator.url, invite: invite.token, seed: i + 1, signal: abort.signal, pollSeconds: 5,
      data: () => syntheticSite({ profile: i === 0 ? 'academic-3t' : 'community-1.5t', seed: 10 + i, size: 24, cases: 2 }, patch, plan.validation.fraction),
    }).catch((e: unknown) => (abort.signal.aborted ? null : Promise.reject(e))));
  }
  return {
    coordinator,
    url: coordinator.url,
    collaborators: Promise.all(runs),
    async close() {
      abort.abort();
      await Promise.allSettled(runs);
      await coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
