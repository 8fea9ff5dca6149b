/**
 * A fresh coordinator for each test of a describe block (vitest's hooks: kept apart from
 * testFederation.ts, which end-to-end specs import too).
 */
import { afterEach, beforeEach } from 'vitest';
import type { Plan } from '../../core/protocol/plan.ts';
import type { RunningCoordinator } from '../startCoordinator.ts';
import { startTestCoordinator, tempDir } from './testFederation.ts';

/** A fresh coordinator over a fresh data folder for each test of the describe block that calls it, closed and removed after. */
export function coordinatorPerTest(plan: Plan, prefix: string): { readonly coord: RunningCoordinator; readonly dataDir: string } {
  let dir: ReturnType<typeof tempDir> | undefined;
  let coord: RunningCoordinator | undefined;
  beforeEach(async () => {
    dir = tempDir(prefix);
    coord = await startTestCoordinator(plan, dir.path);
  });
  afterEach(async () => {
    await coord?.close();
    dir?.remove();
  });
  return {
    get coord() { return coord!; },
    get dataDir() { return dir!.path; },
  };
}
