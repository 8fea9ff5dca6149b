/**
 * The coordinator's federation: one plan, its sites, its rounds. It validates every
 * join, evaluation and update before anything changes, keeps the round's running
 * aggregate (memory: the global model plus one running sum, whatever the number of
 * sites), and closes rounds by the round state machine's decision. State changes run
 * one at a time (a small promise queue), so concurrent uploads cannot race.
 *
 * Durability: an update is acknowledged only after its envelope is a blob on disk and
 * its record is committed. On start the current round is rebuilt from the store
 * (openStoredFederation.ts reads it back): the global model is read back and every
 * acknowledged update re-added to a fresh aggregator.
 *
 * Secure aggregation (plan.privacy.secureAggregation): sites send no plain update; the
 * round's SecAggSession (run by SecureRounds, secureRounds.ts) closes its phases by their
 * own deadlines, masked inputs are stored as blobs, and the unmasked mean goes to the
 * strategy as one update of weight 1. A restart starts the current round's secure
 * aggregation over. The sites' secure-aggregation requests enter through `secAgg`
 * (secAggEndpoints.ts).
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { WeightSet } from '../core/types/weights.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { decodeUpdateEnvelope } from '../core/protocol/updateEnvelope.ts';
import type { JoinRequest, JoinResponse, MetricsReport, RoundStatus } from '../core/protocol/messages.ts';
import { sha256Hex } from '../core/util/webCrypto.ts';
import type { Aggregator } from '../core/aggregation/strategy.ts';
import { l2norm } from '../core/aggregation/weightMath.ts';
import { HttpError } from './httpError.ts';
import { siteRevoked, updateConflict, wrongRound } from './federationRefusals.ts';
import { RoundNotifier, type RoundListener } from './roundNotifier.ts';
import { RoundMachine } from './roundMachine.ts';
import type { BlobStore } from './storage/blobStore.ts';
import type { FederationStore, RoundRecord } from './storage/federationStore.ts';
import { activeOf, expectedOf } from './roundSites.ts';
import type { FederationAlgorithms } from './federationAlgorithms.ts';
import { SecureRounds } from './secureRounds.ts';
import { commitRound, type RoundCommit } from './commitRound.ts';
import { checkEvaluationReport } from './checkEvaluationReport.ts';
import { decodeUpload, readUpload } from './checkUpload.ts';
import { FailureBackoff } from './failureBackoff.ts';
import { RefusalAudit } from './refusalAudit.ts';
import { SecAggEndpoints } from './secAggEndpoints.ts';
import { openStoredFederation } from './openStoredFederation.ts';
import { acceptJoin } from './acceptJoin.ts';

export interface FederationDeps {
  readonly store: FederationStore;
  readonly blobs: BlobStore;
  readonly plan: Plan;
  readonly planHash: string;
  /** names and shapes of the plan's model (UNet3D.weightSpec() of its preset) */
  readonly spec: WeightSpec;
  readonly algorithms: FederationAlgorithms;
  /** the initial global weights; called on the first start only */
  readonly initialWeights: () => Promise<WeightSet>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export type UploadResult = { readonly status: 'accepted' | 'duplicate'; readonly round: number; readonly uploadHash: string };

export class Federation {
  readonly plan: Plan;
  readonly planHash: string;
  readonly spec: WeightSpec;
  private readonly store: FederationStore;
  private readonly blobs: BlobStore;
  private readonly algorithms: FederationAlgorithms;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private current!: RoundRecord;
  private machine: RoundMachine | null = null;
  private aggregator: Aggregator | null = null;
  private finalModel: string | null = null;
  /** why the round waits beyond its deadline (extended, stalled); null when on time */
  private notice: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** failed aggregations in a row, and when the next may be tried */
  private readonly aggregationBackoff: FailureBackoff;
  private readonly refusals: RefusalAudit;
  /** the current round's global weights (decoded with its aggregator), for checking updates against */
  private globalWeights: WeightSet | null = null;
  private readonly notifier = new RoundNotifier();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** the current round's secure aggregation (plans with privacy.secureAggregation.enabled) */
  private readonly secureRounds: SecureRounds;
  /** the secure-aggregation requests (key advertisements, shares, masked inputs, unmasking) */
  readonly secAgg: SecAggEndpoints;

  private constructor(deps: FederationDeps) {
    this.plan = deps.plan;
    this.planHash = deps.planHash;
    this.spec = deps.spec;
    this.store = deps.store;
    this.blobs = deps.blobs;
    this.algorithms = deps.algorithms;
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? ((line) => console.log(line));
    this.aggregationBackoff = new FailureBackoff(this.now);
    this.refusals = new RefusalAudit({ write: (entry) => this.store.audit(entry), now: this.now });
    this.secureRounds = new SecureRounds({
      plan: this.plan, spec: this.spec, store: this.store, blobs: this.blobs, phaseMs: this.policy.deadlineMs, now: this.now, log: this.log,
      emit: () => this.emit(),
      siteSets: async () => {
        const sites = await this.store.sites();
        return { active: activeOf(sites), waitedFor: expectedOf(sites) };
      },
      globalModel: () => this.current.globalModel,
      notice: (kind, reason) => this.secureNotice(kind, reason),
      withdrawn: (siteIds, notice) => {
        this.machine?.withdraw(siteIds);
        this.notice = notice;
        this.emit();
      },
      aggregate: (meanDelta, extra, prepare) => this.aggregateUnmasked(meanDelta, extra, prepare),
    });
    this.secAgg = new SecAggEndpoints({
      spec: this.spec, secure: this.secure, store: this.store, blobs: this.blobs, now: this.now, log: this.log,
      session: () => this.secureRounds.session,
      machine: () => this.machine,
      roundStatus: () => this.roundStatus(),
      serial: (fn) => this.serial(fn),
      emit: () => this.emit(),
      decideNow: () => this.decideAfterAccepted(),
    });
  }

  /** Opens the federation: creates it on first start, or resumes the stored one. */
  static async open(deps: FederationDeps): Promise<Federation> {
    const f = new Federation(deps);
    await f.resume(deps.initialWeights);
    return f;
  }

  get policy() {
    const s = this.plan.stragglers;
    return { minSites: s.minSites, deadlineMs: s.roundDeadlineSeconds * 1000, extendOnTimeout: s.extendOnTimeout };
  }

  /** Checks deadlines every `intervalMs` until close(). */
  startClock(intervalMs = 250): void {
    this.timer ??= setInterval(() => void this.tick().catch((e: unknown) => this.log(`round clock: ${String(e)}`)), intervalMs);
    this.timer.unref?.();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue.catch(() => undefined);
    await this.refusals.flush().catch(() => undefined);
  }

  onChange(listener: RoundListener): () => void {
    return this.notifier.onChange(listener);
  }

  /** Resolves with the round status once `round` > after (or the federation finished), after timeoutMs, or when `signal` aborts. */
  async waitForRound(after: number, timeoutMs: number, signal?: AbortSignal): Promise<RoundStatus> {
    return this.notifier.waitForRound(await this.roundStatus(), after, timeoutMs, () => this.roundStatus(), signal);
  }

  // --- sites ---------------------------------------------------------------------------

  /** A site's join (acceptJoin.ts). */
  async join(req: JoinRequest): Promise<JoinResponse> {
    const { response, added } = await acceptJoin(req, { store: this.store, plan: this.plan, planHash: this.planHash, now: this.now, log: this.log });
    if (added) this.emit();
    return response;
  }

  // --- rounds --------------------------------------------------------------------------

  async roundStatus(): Promise<RoundStatus> {
    const active = await this.expectedSites();
    const finished = this.finalModel !== null;
    const roundsDone = finished ? this.plan.rounds : this.current.round - 1;
    const epsilon = this.algorithms.epsilonAfter(roundsDone);
    return {
      federation: this.plan.federation,
      planHash: this.planHash,
      round: finished ? this.plan.rounds + 1 : this.current.round,
      rounds: this.plan.rounds,
      state: finished ? 'closed' : (this.machine?.status ?? 'closed'),
      finished,
      globalModelHash: this.finalModel ?? this.current.globalModel,
      deadline: finished || !this.machine ? null : this.machine.deadline,
      expectedSites: active.size,
      reportedSites: finished ? 0 : (this.machine?.reported.size ?? 0),
      minSites: this.plan.stragglers.minSites,
      ...(epsilon === null ? {} : { epsilonSpent: roundsDone === 0 ? 0 : epsilon }),
    };
  }

  /** Why the current round waits past its deadline, for the operator; null when on time. */
  get roundNotice(): string | null {
    return this.notice;
  }

  /** The bytes of a model this federation published; MODEL_NOT_FOUND otherwise. */
  async model(hash: string): Promise<Uint8Array> {
    const rounds = await this.store.rounds();
    const known = rounds.some((r) => r.globalModel === hash || r.resultModel === hash);
    if (!known || !this.blobs.has(hash)) {
      throw new HttpError(404, 'MODEL_NOT_FOUND', `no model with SHA-256 ${hash} in this federation`);
    }
    return this.blobs.get(hash);
  }

  /** Federated evaluation of the round's global model (or, once finished, of the final one). */
  async submitEvaluation(siteId: string, report: MetricsReport): Promise<'accepted' | 'duplicate' | 'suppressed'> {
    const verdict = checkEvaluationReport(report, siteId, this.plan, this.planHash);
    return this.serial(async () => {
      const status = await this.roundStatus();
      if (report.round !== status.round) throw wrongRound('evaluation', report.round, status.round, status.finished);
      if (report.modelHash !== status.globalModelHash) {
        throw new HttpError(409, 'MODEL_MISMATCH', `evaluation: round ${report.round}: expected model ${status.globalModelHash}, found ${report.modelHash}`);
      }
      if (verdict === 'suppress') {
        // a site of a version before validation.minReportCases sends means over fewer cases (a
        // patient's own scores): not kept; the site carries on as after any answer. Only for
        // the round and model it may report on: the audit must not name rounds that never were
        await this.store.audit({ at: this.now(), siteId, action: 'evaluation-suppressed', round: report.round, detail: { cases: report.cases, minReportCases: this.plan.validation.minReportCases } });
        return 'suppressed';
      }
      if (!status.finished) this.machine?.noteEvaluation();
      const r = await this.store.recordEvaluation({
        round: report.round, siteId, modelHash: report.modelHash, cases: report.cases, dice: report.dice, hd95: report.hd95, receivedAt: this.now(),
      });
      if (r === 'new') this.emit();
      return r === 'new' ? 'accepted' : 'duplicate';
    });
  }

  /** Validates an update envelope fully, stores it, adds it to the running aggregate. */
  async submitUpdate(siteId: string, envelope: Uint8Array, pathRound?: number): Promise<UploadResult> {
    const { meta, payload } = await readUpload(envelope, siteId, pathRound, this);
    const uploadHash = await sha256Hex(envelope);
    const earlier = await this.earlierUpload(meta.round, siteId, uploadHash);
    if (earlier) return earlier;
    const status = await this.roundStatus();
    if (meta.round !== status.round || status.finished) throw wrongRound('update', meta.round, status.round, status.finished);
    this.machine?.assertAccepting();
    const delta = decodeUpload(meta, payload, {
      plan: this.plan, planHash: this.planHash, spec: this.spec, algorithms: this.algorithms,
      round: status.round, baseModelHash: this.current.globalModel, globalWeights: this.globalWeights,
    });
    await this.blobs.put(envelope);

    return this.serial(async () => {
      const machine = this.machine;
      try {
        const again = await this.earlierUpload(meta.round, siteId, uploadHash);
        if (again) return again;
        if (!machine || machine.round !== meta.round) {
          const now = await this.roundStatus();
          throw wrongRound('update', meta.round, now.round, now.finished);
        }
        machine.assertAccepting();
        // revoked (by `fedseg invite --revoke`, another process) since the request's signature was checked
        if ((await this.store.site(siteId))?.status !== 'active') throw siteRevoked(siteId);
        const r = await this.store.recordUpdate({
          round: meta.round, siteId, payloadHash: uploadHash, baseModel: meta.baseModelHash, sampleCount: meta.sampleCount,
          codec: meta.codec.name, bytes: envelope.length, metrics: meta.localMetrics, receivedAt: this.now(), norm: l2norm(delta),
        });
        if (r === 'duplicate') return { status: 'duplicate', round: meta.round, uploadHash } as const;
        if (r === 'conflict') throw updateConflict(meta.round);
      } catch (e) {
        // refused: no record names the blob written for it, which would stay for good. Only a
        // refusal: after another failure (the database busy) a retry of the same bytes may be
        // on its way to being recorded with that blob; a refusal holds for any copy of them
        if (e instanceof HttpError) this.blobs.remove(uploadHash);
        throw e;
      }
      machine.acceptUpdate(siteId);
      try {
        this.aggregator!.add(delta, this.algorithms.weightOf(meta.sampleCount));
      } catch (e) {
        this.log(`round ${meta.round}: adding the update of ${siteId} failed (${String(e)}); rebuilding the aggregate from disk`);
        await this.rebuildAggregator();
      }
      this.log(`round ${meta.round}: update from ${siteId} (${meta.sampleCount} samples, ${envelope.length} bytes)`);
      this.emit();
      await this.decideAfterAccepted();
      return { status: 'accepted', round: meta.round, uploadHash } as const;
    });
  }

  // --- secure aggregation (docs/protocol.md, "Secure aggregation over HTTP") -----------------

  get secure(): boolean {
    return this.plan.privacy.secureAggregation.enabled;
  }

  /** The unmasked mean, as the strategy's one update of weight 1, aggregated into the round's model (after `prepare`). */
  private aggregateUnmasked(meanDelta: WeightSet, extra: Record<string, unknown>, prepare: () => Promise<void>): Promise<void> {
    return this.aggregate('secure-aggregation', extra, async () => {
      await prepare();
      const agg = await this.freshAggregator();
      agg.add(meanDelta, 1);
      return agg;
    });
  }

  /** A secure round waits longer ('extended') or collects again from the start ('restart'): noted, audited, logged. */
  private async secureNotice(kind: 'extended' | 'restart', reason: string): Promise<void> {
    const machine = this.machine!;
    this.notice = reason;
    if (kind === 'restart') this.machine = new RoundMachine({ round: machine.round, status: 'collecting', deadline: machine.deadline }, this.policy);
    await this.store.audit({ at: this.now(), siteId: null, action: kind === 'restart' ? 'secagg-restart' : 'round-extended', round: machine.round, detail: { reason } });
    this.log(reason);
    this.emit();
  }

  /** Records a refused request in the audit log (the HTTP layer calls it for every 4xx): under its site once the signature verified, else with the site it claimed. */
  async auditRefusal(siteId: string | null, code: string, request: string, claimedSite: string | null = null): Promise<void> {
    await this.refusals.record(siteId, code, request, claimedSite, this.finalModel === null ? this.current.round : null);
  }

  /**
   * A site says it stopped taking part (Stop in the page) or takes part again (a run
   * starts): a stopped site is not waited for, so the open round is decided again at once.
   */
  async setParticipation(siteId: string, participating: boolean): Promise<void> {
    if (await this.store.setParticipation(siteId, participating, this.now())) {
      this.log(`site ${siteId} ${participating ? 'takes part again' : 'stopped taking part'}`);
      await this.tick();
      this.emit();
    }
  }

  /** Applies the round state machine's decision now (deadlines). */
  tick(): Promise<void> {
    return this.serial(() => this.decideNow());
  }

  // --- internals -----------------------------------------------------------------------

  private async resume(initialWeights: () => Promise<WeightSet>): Promise<void> {
    const opened = await openStoredFederation({
      store: this.store, blobs: this.blobs, plan: this.plan, planHash: this.planHash, spec: this.spec,
      deadlineMs: this.policy.deadlineMs, initialWeights, now: this.now, log: this.log,
    });
    const current = opened.current;
    this.current = current;
    if (opened.strategyState) this.algorithms.importState(opened.strategyState);
    if (current.status === 'closed') {
      this.finalModel = current.resultModel;
      return;
    }
    // a site revoked since its update was accepted: not counted (withdrawRevoked, across a restart)
    const active = await this.activeSites();
    const updates = this.secure ? [] : (await this.store.updates(current.round)).filter((u) => active.has(u.siteId));
    if (this.secure) await this.secureRounds.resume(current.round);
    this.machine = new RoundMachine(
      { round: current.round, status: current.status, deadline: current.deadline, reported: updates.map((u) => u.siteId) },
      this.policy,
    );
    await this.rebuildAggregator(active);
    if (!opened.created) this.log(`resumed round ${current.round} of ${this.plan.rounds} with ${updates.length} acknowledged update(s)`);
  }

  /** An empty aggregate over the current round's global model. */
  private async freshAggregator(): Promise<Aggregator> {
    const global = decodeWeightsBlob(await this.blobs.getVerified(this.current.globalModel), { expected: this.spec, kind: 'MODEL', source: 'global model' });
    this.globalWeights = global;
    return this.algorithms.begin(this.current.round, global);
  }

  /** A fresh aggregator for the current round, fed every acknowledged update of an active site from disk. */
  private async rebuildAggregator(active?: ReadonlySet<string>): Promise<void> {
    const agg = await this.freshAggregator();
    const counted = active ?? (await this.activeSites());
    // secure aggregation: the masked inputs are useless one by one; the aggregate is fed at unmasking
    for (const u of this.secure ? [] : (await this.store.updates(this.current.round)).filter((x) => counted.has(x.siteId))) {
      const { payload } = await decodeUpdateEnvelope(await this.blobs.getVerified(u.payloadHash), { maxBytes: Number.MAX_SAFE_INTEGER });
      agg.add(this.algorithms.decodeUpdate(payload, this.spec), this.algorithms.weightOf(u.sampleCount));
    }
    this.aggregator = agg;
  }

  /**
   * The decision after an accepted request. The request is stored and acknowledged; if
   * closing the round then fails (a full disk), that is the coordinator's failure, not the
   * site's: logged, and the round clock tries again.
   */
  private async decideAfterAccepted(): Promise<void> {
    try {
      await this.decideNow();
    } catch (e) {
      this.log(`round ${this.current.round}: closing the round failed (${e instanceof Error ? e.message : String(e)}); the round clock tries again`);
    }
  }

  private async decideNow(): Promise<void> {
    if (this.secure) {
      const machine = this.machine;
      if (!machine || machine.status === 'aggregating' || machine.status === 'closed') return;
      return this.secureRounds.decide();
    }
    const machine = this.machine;
    if (!machine) return;
    // one read of the sites for both sets (the round clock decides every tick)
    const sites = await this.store.sites();
    await this.withdrawRevoked(machine, activeOf(sites));
    // a site that stopped taking part is not waited for (its update, if it sent one, still counts)
    const d = machine.decide(this.now(), expectedOf(sites));
    if (d.kind === 'aggregate') {
      await this.aggregate(d.reason);
    } else if (d.kind === 'extend') {
      machine.extend(d.deadline);
      this.notice = `round ${machine.round} extended: ${d.reason}`;
      await this.store.extendRound(machine.round, d.deadline, this.now(), d.reason);
      this.log(this.notice);
      this.emit();
    } else if (d.kind === 'stalled' && this.notice !== d.reason && machine.status !== 'aggregating') {
      this.notice = d.reason;
      await this.store.audit({ at: this.now(), siteId: null, action: 'round-stalled', round: machine.round, detail: { reason: d.reason } });
      this.log(`round ${machine.round}: ${d.reason}`);
      this.emit();
    }
  }

  /**
   * A site revoked (`fedseg invite --revoke`, another process) after its update was
   * accepted: the update is taken out of the round (the aggregate is rebuilt without it),
   * and stays on record, marked so in the audit and the round's summary.
   */
  private async withdrawRevoked(machine: RoundMachine, active: ReadonlySet<string>): Promise<void> {
    const revoked = [...machine.reported].filter((s) => !active.has(s));
    if (revoked.length === 0) return;
    // rebuilt first: should it fail, the round still holds the updates it was built from, and the next decision tries again
    await this.rebuildAggregator(active);
    machine.withdraw(revoked);
    for (const siteId of revoked) {
      await this.store.audit({ at: this.now(), siteId, action: 'update-withdrawn', round: machine.round, detail: { reason: 'the site was revoked after its update was accepted' } });
    }
    this.notice = `round ${machine.round}: the update of ${revoked.join(', ')} was taken out (revoked after it was accepted)`;
    this.log(this.notice);
    this.emit();
  }

  /**
   * Closes the round from its aggregate, or from the one `build` makes (a secure round's
   * unmasked mean). The one place that backs off after a failure: until then the clock's
   * calls return at once, before any blob is read.
   */
  private async aggregate(reason: string, extra: Record<string, unknown> = {}, build?: () => Promise<Aggregator>): Promise<void> {
    if (this.aggregationBackoff.waiting) return;
    const machine = this.machine!;
    const n = machine.round;
    machine.beginAggregation();
    try {
      await this.store.setRoundStatus(n, 'aggregating');
    } catch (e) {
      machine.abortAggregation(); // else the round would refuse every upload as aggregating, for good
      throw e;
    }
    this.emit();
    // finish() advances a server optimiser's moments: keep the state it had, so that a
    // failed aggregation can be retried from it rather than applying the moments twice
    const stateBefore = this.algorithms.exportState();
    let closed: RoundCommit;
    try {
      if (build) this.aggregator = await build();
      closed = await commitRound(
        { plan: this.plan, spec: this.spec, store: this.store, blobs: this.blobs, algorithms: this.algorithms, deadlineMs: this.policy.deadlineMs, now: this.now },
        n, this.aggregator!, reason, extra, build ? undefined : machine.reported,
      );
    } catch (e) {
      // memory first, the store last: when the disk is full the status write fails too, and a
      // retry must still start from the moments before this round and a fresh aggregate
      this.algorithms.importState(stateBefore);
      machine.abortAggregation();
      const { attempt, waitMs } = this.aggregationBackoff.failed();
      this.log(`round ${n}: aggregation failed (attempt ${attempt}; next try in ${waitMs / 1000} s): ${e instanceof Error ? e.stack : String(e)}`);
      await this.rebuildAggregator();
      this.secureRounds.aggregationFailed();
      this.emit();
      await this.store.setRoundStatus(n, 'collecting'); // on a restart 'aggregating' resumes as collecting anyway
      return;
    }
    // round n is committed: from here on nothing may reopen it
    const { weights, hash, next } = closed;
    this.aggregationBackoff.succeeded();
    machine.close();
    this.notice = null;
    this.log(`round ${n} aggregated (${reason}): ${closed.updates} update(s) -> model ${hash}`);
    if (next) {
      this.current = next;
      this.machine = new RoundMachine({ round: next.round, status: 'open', deadline: next.deadline }, this.policy);
      this.aggregator = this.algorithms.begin(next.round, weights);
      this.globalWeights = weights;
      if (this.secure) this.secureRounds.open(next.round);
    } else {
      this.secureRounds.open(null);
      this.current = (await this.store.round(n))!;
      this.machine = null;
      this.aggregator = null;
      this.finalModel = hash;
      this.log(`federation finished after ${n} rounds; final model ${hash}`);
    }
    this.emit();
  }

  private async earlierUpload(round: number, siteId: string, uploadHash: string): Promise<UploadResult | null> {
    const prior = (await this.store.updates(round)).find((u) => u.siteId === siteId);
    if (!prior) return null;
    if (prior.payloadHash === uploadHash) return { status: 'duplicate', round, uploadHash };
    throw updateConflict(round);
  }

  private async activeSites(): Promise<Set<string>> {
    return activeOf(await this.store.sites());
  }

  private async expectedSites(): Promise<Set<string>> {
    return expectedOf(await this.store.sites());
  }

  private emit(): void {
    if (!this.notifier.listening) return;
    void this.roundStatus().then((s) => this.notifier.notify(s), () => undefined);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
