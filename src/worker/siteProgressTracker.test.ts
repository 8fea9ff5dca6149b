import { describe, expect, it } from 'vitest';
import type { SiteEvent } from '../core/protocol/client/runSite.ts';
import type { RoundStatus } from '../core/protocol/messages.ts';
import { localStepsFor } from '../core/protocol/plan.ts';
import { testPlan } from '../coordinator/testing/testFederation.ts';
import { SiteProgressTracker, withheldNotice } from './siteProgressTracker.ts';
import type { SiteEventForPage, SitePhase, SiteProgress } from './workerApi.ts';

// localEpochs: the steps of a round follow from the training cases, so a wrong count shows
const plan = testPlan({ rounds: 3, training: { localEpochs: 2, batchSize: 2 }, validation: { minReportCases: 5 } });
const scores = { ET: 0.5, TC: 0.6, WT: 0.7 };

/** a tracker whose clock the test sets, with what it reported */
function tracked() {
  const clock = { ms: 0 };
  const progress: SiteProgress[] = [];
  const page: SiteEventForPage[] = [];
  const tracker = new SiteProgressTracker({ progress: (p) => progress.push(p), page: (e) => page.push(e) }, () => clock.ms);
  const inPhase = (phase: SitePhase, round = 2): void => tracker.set({ phase, round, rounds: plan.rounds, message: `in ${phase}` });
  const event = (e: SiteEvent): void => tracker.onSiteEvent(e, plan);
  return { clock, progress, page, tracker, inPhase, event };
}

const refused: SiteEvent = { kind: 'refused', round: 2, what: 'update', code: 'ROUND_CLOSED', message: 'round 2 closed' };
const evaluated = (reported: boolean, cases = 3): SiteEvent => ({ kind: 'evaluated', round: 2, cases, dice: scores, hd95: scores, reported });
const roundStatus = (round: number, finished = false): RoundStatus => ({
  federation: plan.federation, planHash: 'a'.repeat(64), round, rounds: plan.rounds, state: 'open', finished,
  globalModelHash: 'b'.repeat(64), deadline: null, expectedSites: 1, reportedSites: 0, minSites: 1,
});

describe('SiteProgressTracker', () => {
  it('starts idle, and set() is the one current value, reported each time', () => {
    const t = tracked();
    expect(t.tracker.progress).toEqual({ phase: 'idle', round: 0, rounds: 0, message: 'Not taking part yet.' });
    const resumed = { phase: 'waiting', round: 1, rounds: 3, message: 'Round 1: update sent before the reload; waiting for the other sites' } as const;
    t.tracker.set(resumed);
    expect(t.tracker.progress).toBe(resumed);
    expect(t.progress).toEqual([resumed]);
  });

  it('a refusal while uploading or training moves to waiting; while validating or loading the phase stays', () => {
    for (const phase of ['uploading', 'training'] as const) {
      const t = tracked();
      t.inPhase(phase);
      t.event(refused);
      expect(t.page).toEqual([{ kind: 'refused', round: 2, what: 'update', code: 'ROUND_CLOSED', message: 'round 2 closed' }]);
      expect(t.tracker.progress).toEqual({ phase: 'waiting', round: 2, rounds: 3, message: "Round 2: this site's update was not used (the round closed first); waiting for the next round" });
    }
    for (const phase of ['validating', 'loading'] as const) {
      const t = tracked();
      t.inPhase(phase);
      t.event(refused);
      expect(t.page).toHaveLength(1);
      expect(t.tracker.progress.phase).toBe(phase);
      expect(t.progress).toHaveLength(1); // only the set() of the test
    }
  });

  it('an update upload shows uploading from any phase; the secure aggregation keys only after training', () => {
    const upload = tracked();
    upload.inPhase('validating');
    upload.tracker.beforeRequest('update upload');
    expect(upload.tracker.progress).toEqual({ phase: 'uploading', round: 2, rounds: 3, message: 'Round 2: uploading the update' });
    const keys = tracked();
    keys.inPhase('training');
    keys.tracker.beforeRequest('secure aggregation keys');
    expect(keys.tracker.progress).toEqual({ phase: 'uploading', round: 2, rounds: 3, message: 'Round 2: secure aggregation with the other sites (keys, then the masked update)' });
    for (const phase of ['waiting', 'loading', 'validating'] as const) {
      const t = tracked();
      t.inPhase(phase);
      t.tracker.beforeRequest('secure aggregation keys');
      t.tracker.beforeRequest('round status');
      expect(t.tracker.progress.phase).toBe(phase);
    }
  });

  it("the model download moves loading to validating, unless a review is predicting (then it was the review's)", () => {
    const round = tracked();
    round.event({ kind: 'round', status: roundStatus(2) });
    expect(round.page).toEqual([{ kind: 'round', status: roundStatus(2) }]);
    expect(round.tracker.progress).toEqual({ phase: 'loading', round: 2, rounds: 3, message: 'Round 2: loading the global model' });
    round.tracker.afterRequest('model download', false);
    expect(round.tracker.progress).toEqual({ phase: 'validating', round: 2, rounds: 3, message: "Round 2: validating the global model on this site's validation cases" });
    const review = tracked();
    review.inPhase('loading');
    review.tracker.afterRequest('model download', true);
    expect(review.tracker.progress.phase).toBe('loading');
    // nor does a download outside loading move anything
    const training = tracked();
    training.inPhase('training');
    training.tracker.afterRequest('model download', false);
    expect(training.tracker.progress.phase).toBe('training');
  });

  it('times the ETA from the end of step 1: NaN until step 2, then the mean step since then', () => {
    const t = tracked();
    t.clock.ms = 1000;
    t.event({ kind: 'training', round: 2, step: 1, steps: 10, loss: 0.9 });
    expect(t.tracker.progress.etaMs).toBeNaN();
    expect(t.tracker.progress.message).toBe('Round 2: training step 1 of 10');
    t.clock.ms = 1000 + 2 * 300; // steps 2 and 3, 300 ms each (step 1's 1000 ms of set-up do not count)
    t.event({ kind: 'training', round: 2, step: 3, steps: 10, loss: 0.7 });
    expect(t.tracker.progress).toEqual({ phase: 'training', round: 2, rounds: 3, message: 'Round 2: training step 3 of 10', step: 3, steps: 10, loss: 0.7, etaMs: 7 * 300 });
  });

  it('gives the withheld-scores notice once, and only for scores not reported', () => {
    const t = tracked();
    t.event(evaluated(true));
    expect(t.page.filter((e) => e.kind === 'notice')).toEqual([]);
    t.event(evaluated(false, 1));
    t.event(evaluated(false, 1));
    // a second run on the same tracker (the same Worker) does not repeat it
    t.tracker.startRun(4);
    t.event(evaluated(false, 1));
    expect(t.page.filter((e) => e.kind === 'notice')).toEqual([{ kind: 'notice', message: withheldNotice(1, 5), tone: 'info' }]);
    expect(t.page.filter((e) => e.kind === 'evaluated')).toHaveLength(4);
    expect(withheldNotice(1, 5)).toContain('a mean over 1 case, and the plan reports scores only over at least 5');
  });

  it("'evaluated' starts training at step 0 of localStepsFor(plan, the run's training cases)", () => {
    const t = tracked();
    t.tracker.startRun(7);
    t.inPhase('validating');
    t.event(evaluated(true));
    expect(localStepsFor(plan, 7)).toBe(7); // ceil(2 epochs * 7 cases / batch 2)
    expect(t.tracker.progress).toEqual({ phase: 'training', round: 2, rounds: 3, message: 'Round 2: training', step: 0, steps: 7 });
  });

  it("'uploaded' tells the page 'trained' with the upload's bytes, and waits", () => {
    const t = tracked();
    t.inPhase('uploading');
    t.event({ kind: 'uploaded', round: 2, bytes: 12345, status: 'accepted', summary: { steps: 7, meanLoss: 0.8, lastLoss: 0.6, samples: 14 } });
    expect(t.page).toEqual([{ kind: 'trained', round: 2, meanLoss: 0.8, lastLoss: 0.6, uploadBytes: 12345, status: 'accepted' }]);
    expect(t.tracker.progress).toEqual({ phase: 'waiting', round: 2, rounds: 3, message: 'Round 2: update sent (accepted); waiting for the other sites' });
  });

  it("'skipped' gives a notice and waits for the next round", () => {
    const t = tracked();
    t.inPhase('training');
    t.event({ kind: 'skipped', round: 2, code: 'TRAINING_DIVERGED', message: 'loss is NaN' });
    expect(t.page).toEqual([{ kind: 'notice', message: 'Round 2: this site sent no update, because its local training diverged (loss is NaN). It takes part again in the next round.', tone: 'warning' }]);
    expect(t.tracker.progress).toEqual({ phase: 'waiting', round: 2, rounds: 3, message: 'Round 2: no update sent (local training diverged); waiting for the next round' });
  });

  it("'offline' keeps the phase and says in how many seconds it tries again", () => {
    const t = tracked();
    t.tracker.set({ phase: 'training', round: 2, rounds: 3, message: 'Round 2: training step 4 of 7', step: 4, steps: 7, loss: 0.5, etaMs: 900 });
    t.event({ kind: 'offline', what: 'update upload', message: 'fetch failed', retryInMs: 4600 });
    expect(t.page).toEqual([]);
    expect(t.tracker.progress).toEqual({
      phase: 'training', round: 2, rounds: 3, step: 4, steps: 7, loss: 0.5, etaMs: 900,
      message: 'The coordinator is not available (update upload: fetch failed); trying again in 5 s',
    });
  });

  it("'finished' ends at the plan's last round; the final round's status loads the final model", () => {
    const t = tracked();
    t.event({ kind: 'round', status: roundStatus(3, true) });
    expect(t.tracker.progress.message).toBe('Loading the final model');
    t.inPhase('waiting', 1);
    t.event({ kind: 'finished', finalModel: 'c'.repeat(64) });
    expect(t.tracker.progress).toEqual({ phase: 'finished', round: 3, rounds: 3, message: 'The federation finished: the final model is ready for review.' });
  });
});
