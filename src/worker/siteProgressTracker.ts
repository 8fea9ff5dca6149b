/**
 * What the page sees of a participation: the core's site-loop events and the ledgered requests
 * become one current SiteProgress and the page's events. It holds no Worker, store or
 * coordinator: SiteService is told of each change and checkpoints from it.
 */
import type { SiteEvent } from '../core/protocol/client/runSite.ts';
import { refusalReason } from '../core/protocol/client/refusalText.ts';
import { localStepsFor, type Plan } from '../core/protocol/plan.ts';
import type { RequestKind } from './ledgerFetch.ts';
import type { SiteEventForPage, SiteProgress } from './workerApi.ts';
import { plural } from '../core/util/plural.ts';

export interface SiteProgressReports {
  /** the progress changed; `tracker.progress` is already the new value (a checkpoint reads it) */
  progress(p: SiteProgress): void;
  /** an event for the page besides progress (the round, scores, an update sent, a notice) */
  page(e: SiteEventForPage): void;
}

export class SiteProgressTracker {
  private current: SiteProgress = { phase: 'idle', round: 0, rounds: 0, message: 'Not taking part yet.' };
  /** training cases of the current run (its steps per round follow from them under localEpochs) */
  private trainCases = 0;
  /** when the current round's first training step ended (for the ETA) */
  private firstStepAt = 0;
  /**
   * The notice that validation scores stay here was shown. Kept here, not per run: the service
   * makes one tracker and there is one service per Worker, so it is shown once per worker, as
   * before (a second participation in the same tab does not repeat it).
   */
  private withheldNoticeGiven = false;

  constructor(
    private readonly report: SiteProgressReports,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get progress(): SiteProgress {
    return this.current;
  }

  /** Every change goes through here (the service's own stop, failure and resume too): `progress` stays the one current value. */
  set(p: SiteProgress): void {
    this.current = p;
    this.report.progress(p);
  }

  /** A run starts on `trainCases` training cases. */
  startRun(trainCases: number): void {
    this.trainCases = trainCases;
  }

  /** `plan`: the one the run follows (its rounds, steps and the minimum of cases for reported scores). */
  onSiteEvent(e: SiteEvent, plan: Plan): void {
    const rounds = plan.rounds;
    switch (e.kind) {
      case 'round':
        this.report.page({ kind: 'round', status: e.status });
        this.set({ phase: 'loading', round: e.status.round, rounds, message: e.status.finished ? 'Loading the final model' : `Round ${e.status.round}: loading the global model` });
        break;
      case 'evaluated':
        this.report.page({ kind: 'evaluated', round: e.round, cases: e.cases, dice: e.dice, hd95: e.hd95, reported: e.reported });
        if (!e.reported && !this.withheldNoticeGiven) {
          this.withheldNoticeGiven = true;
          this.report.page({ kind: 'notice', message: withheldNotice(e.cases, plan.validation.minReportCases), tone: 'info' });
        }
        this.set({ phase: 'training', round: e.round, rounds, message: `Round ${e.round}: training`, step: 0, steps: localStepsFor(plan, this.trainCases) });
        break;
      case 'training': {
        // timed from the end of the first step: that one also sets the trainer up (and compiles
        // shaders), so it neither counts nor leaves the ETA at 0 when validation was skipped
        if (e.step === 1) this.firstStepAt = this.now();
        const etaMs = e.step > 1 ? ((this.now() - this.firstStepAt) / (e.step - 1)) * (e.steps - e.step) : Number.NaN;
        this.set({ phase: 'training', round: e.round, rounds, message: `Round ${e.round}: training step ${e.step} of ${e.steps}`, step: e.step, steps: e.steps, loss: e.loss, etaMs });
        break;
      }
      case 'uploaded':
        this.report.page({ kind: 'trained', round: e.round, meanLoss: e.summary.meanLoss, lastLoss: e.summary.lastLoss, uploadBytes: e.bytes, status: e.status });
        this.set({ phase: 'waiting', round: e.round, rounds, message: `Round ${e.round}: update sent (${e.status}); waiting for the other sites` });
        break;
      case 'refused':
        this.report.page({ kind: 'refused', round: e.round, what: e.what, code: e.code, message: e.message });
        // the update or the evaluation was refused (the round closed first, the site was left out of a secure
        // sum, or it sits out a secure round it already unmasked): either way runSite goes on to the next
        // round, so the site waits for it, not "uploading" or "training" until then
        if (this.current.phase === 'uploading' || this.current.phase === 'training') {
          this.set({ phase: 'waiting', round: e.round, rounds, message: `Round ${e.round}: this site's ${e.what === 'update' ? 'update was' : 'scores were'} not used (${refusalReason(e.code)}); waiting for the next round` });
        }
        break;
      case 'skipped':
        this.report.page({ kind: 'notice', message: `Round ${e.round}: this site sent no update, because its local training diverged (${e.message}). It takes part again in the next round.`, tone: 'warning' });
        this.set({ phase: 'waiting', round: e.round, rounds, message: `Round ${e.round}: no update sent (local training diverged); waiting for the next round` });
        break;
      case 'offline':
        this.set({ ...this.current, message: `The coordinator is not available (${e.what}: ${e.message}); trying again in ${Math.round(e.retryInMs / 1000)} s` });
        break;
      case 'finished':
        this.set({ phase: 'finished', round: rounds, rounds, message: 'The federation finished: the final model is ready for review.' });
        break;
    }
  }

  /** A request is about to go: an upload shows before its bytes are sent, not after. */
  beforeRequest(kind: RequestKind): void {
    if (kind === 'update upload') this.set({ ...this.current, phase: 'uploading', message: `Round ${this.current.round}: uploading the update` });
    if (kind === 'secure aggregation keys' && this.current.phase === 'training') {
      this.set({ ...this.current, phase: 'uploading', message: `Round ${this.current.round}: secure aggregation with the other sites (keys, then the masked update)` });
    }
  }

  /** A request was answered; `reviewing`: a review is predicting, so a model download may be its own. */
  afterRequest(kind: RequestKind, reviewing: boolean): void {
    // (a review's download of the same model is not the round's: the phase moves on with the round's own events then)
    if (kind === 'model download' && this.current.phase === 'loading' && !reviewing) {
      this.set({ ...this.current, phase: 'validating', message: `Round ${this.current.round}: validating the global model on this site's validation cases` });
    }
  }
}

/** Why the site's validation scores are not sent: too few cases to be anything but patients' own. */
export function withheldNotice(cases: number, minimum: number): string {
  return `The validation scores stay on this machine: they are a mean over ${plural(cases, 'case')}, and the plan reports scores only over at least ${minimum} (fewer would tell the coordinator about single patients). They are shown here each round.`;
}
