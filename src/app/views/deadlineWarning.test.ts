import { describe, expect, it } from 'vitest';
import type { RoundStatus, SiteProgress } from '../../worker/workerApi.ts';
import { deadlineWarning } from './deadlineWarning.ts';

const round: RoundStatus = {
  federation: 'f', planHash: 'a'.repeat(64), round: 4, rounds: 10, state: 'collecting', finished: false,
  globalModelHash: 'b'.repeat(64), deadline: 100_000, expectedSites: 3, reportedSites: 1, minSites: 2,
};
const training = (etaMs: number | undefined, r = 4): SiteProgress => ({ phase: 'training', round: r, rounds: 10, message: 'x', step: 5, steps: 50, ...(etaMs === undefined ? {} : { etaMs }) });

describe('deadlineWarning', () => {
  it('warns when training at this pace ends after the round\'s deadline, saying by how much', () => {
    const text = deadlineWarning(training(70_000), round, 40_000);
    expect(text).toMatch(/^At this pace training ends about 10 s after round 4's deadline \(.+\)\. If 2 sites have sent an update by then, the round closes without this site's/);
  });

  it('says nothing when it ends in time, without an ETA, for another round, or with no deadline', () => {
    expect(deadlineWarning(training(60_000), round, 40_000)).toBeNull();
    expect(deadlineWarning(training(undefined), round, 40_000)).toBeNull();
    expect(deadlineWarning(training(Number.NaN), round, 40_000)).toBeNull();
    expect(deadlineWarning(training(70_000, 3), round, 40_000)).toBeNull();
    expect(deadlineWarning(training(70_000), { ...round, deadline: null }, 40_000)).toBeNull();
    expect(deadlineWarning({ ...training(70_000), phase: 'uploading' }, round, 40_000)).toBeNull();
    expect(deadlineWarning(training(70_000), null, 40_000)).toBeNull();
  });
});
