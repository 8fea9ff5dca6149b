/**
 * The Worker's site: talks to the coordinator through the ledgered fetch, keeps the
 * identity and the participation checkpoint in IndexedDB, holds the scans, runs the
 * core's site loop (runSite); the review is SiteReview. The page gets plain data.
 */
import { getPreset } from '../core/model/modelPresets.ts';
import { MemoryModelCache } from '../core/protocol/client/modelCache.ts';
import { ProtocolClient } from '../core/protocol/client/protocolClient.ts';
import { runSite, type SiteData } from '../core/protocol/client/runSite.ts';
import type { RoundStatus } from '../core/protocol/messages.ts';
import type { Plan } from '../core/protocol/plan.ts';
import { generateSiteKeyPair } from '../core/protocol/signing.ts';
import { CaseCache, caseMemoryBudget } from '../core/train/caseCache.ts';
import { utf8Encode } from '../core/protocol/utf8.ts';
import { sha256Hex } from '../core/util/webCrypto.ts';
import type { Sequence } from '../core/types/sequences.ts';
import { FedsegError } from '../core/util/errors.ts';
import type { FileProblem } from '../io/sourceFile.ts';
import { ledgerFetch, type LedgerEntry } from './ledgerFetch.ts';
import { ParticipationCases } from './participationCases.ts';
import { SiteCases } from './siteCases.ts';
import { prepareParticipation, type PreparedParticipation } from './prepareParticipation.ts';
import { SiteProgressTracker } from './siteProgressTracker.ts';
import { SiteReview } from './siteReview.ts';
import { faultGrace } from './watchGpuFaults.ts';
import { withSiteLock } from './siteLock.ts';
import { WorkerJobs } from './workerJobs.ts';
import { stoppedMessage } from './stoppedMessage.ts';
import { keepStopPrepared } from './keepStopPrepared.ts';
import { storedUnmaskRecord } from './storedUnmaskRecord.ts';
import { caseStorage, siteStore, withHalfImage, type StoredCaseManifest, type StoredIdentity } from './siteStore.ts';
import type {
  DataSummary, FederationInfo, InviteCheck, LocalFile, ProgressCallback, ReviewVolume, SiteEventForPage,
  SiteIdentityInfo, SitePhase, SiteProgress, SiteWorkerApi,
} from './workerApi.ts';

interface Connection {
  readonly baseUrl: string;
  readonly plan: Plan;
  readonly planHash: string;
  readonly client: ProtocolClient;
  readonly emit: (e: SiteEventForPage) => void;
}

function identityInfo(id: StoredIdentity): SiteIdentityInfo {
  return { siteId: id.siteId, siteName: id.siteName, federation: id.federation, planHash: id.planHash, joinedAt: id.joinedAt };
}

export class SiteService implements SiteWorkerApi {
  private conn: Connection | undefined;
  private readonly cases = new SiteCases();
  /** the prepared cases the running participation holds in memory (the others are read back from IndexedDB) */
  private readonly caseMemory = new CaseCache(caseMemoryBudget((globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory));
  private readonly cache = new MemoryModelCache();
  private job: AbortController | undefined;
  /** the page's view of the participation; every progress change goes through it */
  private readonly tracker = new SiteProgressTracker({
    progress: (p) => this.progressChanged(p),
    page: (e) => this.conn?.emit(e),
  });
  /** a participate() or resume() is under way in this tab (set before the lock is asked for) */
  private busy = false;
  /** Stop was asked for during this participation (also before its run began) */
  private stopRequested = false;
  /** the prepared cases of this participation are kept in IndexedDB, so a reload can resume it */
  private resumable = true;
  /** why the run was ended from outside (the GPU was lost or failed): it fails, and stays resumable */
  private failure: string | undefined;
  private readonly reviews = new SiteReview(this.cases, {
    require: () => this.requireHealthyGpu(),
    check: async () => {
      await this.gpuSettled();
      this.requireHealthyGpu();
    },
  });

  /** `backend` names the tfjs backend in use (told to the coordinator at join). */
  constructor(
    private readonly backend: () => string | undefined = () => undefined,
    /** shared with the training demo: the two never train at once */
    private readonly jobs = new WorkerJobs(),
    /** resolves once the GPU's work so far was checked; a fault found has called fail() by then */
    private readonly gpuSettled: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async connect(baseUrl: string, onEvent: ProgressCallback<SiteEventForPage>): Promise<FederationInfo> {
    const emit = (e: SiteEventForPage): void => void onEvent(e);
    const fetch = ledgerFetch((entry: LedgerEntry) => {
      emit({ kind: 'ledger', entry });
      this.tracker.afterRequest(entry.kind, this.reviews.predicting);
    }, (kind) => this.tracker.beforeRequest(kind));
    const client = new ProtocolClient({ baseUrl, fetch, cache: this.cache });
    const { plan, planHash } = await client.plan();
    const stored = await siteStore.getIdentity(baseUrl);
    const identity = stored && stored.planHash === planHash ? stored : undefined;
    const authed = identity
      ? new ProtocolClient({ baseUrl, fetch, cache: this.cache, credentials: { siteId: identity.siteId, privateKey: identity.privateKey } })
      : client;
    this.conn = { baseUrl, plan, planHash, client: authed, emit };
    const checkpoint = identity ? await siteStore.getCheckpoint(baseUrl) : undefined;
    const resumable = checkpoint && checkpoint.active && checkpoint.planHash === planHash ? { round: checkpoint.round, phase: checkpoint.phase } : null;
    return { baseUrl, plan, planHash, identity: identity ? identityInfo(identity) : null, resumable };
  }

  async checkInvite(inviteToken: string): Promise<InviteCheck> {
    const conn = this.requireConn();
    const answer = await conn.client.checkInvite(inviteToken);
    if (answer.usable) return answer;
    // used by this browser, which did not hear the answer (a reload mid-join): its retry with the same key is taken
    const pending = await siteStore.getPendingJoin(conn.baseUrl);
    return pending?.inviteTokenSha256 === (await sha256Hex(utf8Encode(inviteToken))) ? { ...answer, usable: true } : answer;
  }

  async join(inviteToken: string): Promise<SiteIdentityInfo> {
    const conn = this.requireConn();
    // the same key for a retry of this invite (the coordinator then answers with the same site)
    const inviteTokenSha256 = await sha256Hex(utf8Encode(inviteToken));
    const pending = await siteStore.getPendingJoin(conn.baseUrl);
    const keys = pending?.inviteTokenSha256 === inviteTokenSha256 ? pending.keys : await generateSiteKeyPair();
    if (pending?.keys !== keys) await siteStore.putPendingJoin({ baseUrl: conn.baseUrl, inviteTokenSha256, keys, createdAt: Date.now() });
    const backend = this.backend();
    const answer = await conn.client.join(inviteToken, keys, conn.planHash, { kind: 'browser', ...(backend ? { backend } : {}) });
    const stored: StoredIdentity = {
      baseUrl: conn.baseUrl, siteId: answer.siteId, siteName: answer.siteName, federation: answer.federation,
      planHash: answer.planHash, privateKey: keys.privateKey, joinedAt: Date.now(),
    };
    await siteStore.putIdentity(stored);
    await siteStore.deletePendingJoin(conn.baseUrl).catch(() => undefined); // stale at worst: matched by token only
    return identityInfo(stored);
  }

  async forget(): Promise<void> {
    const conn = this.requireConn();
    await this.stopParticipating();
    await siteStore.deleteIdentity(conn.baseUrl);
    await siteStore.deleteCheckpoint(conn.baseUrl);
    await siteStore.deleteCases(conn.baseUrl);
  }

  async loadFiles(files: readonly LocalFile[], unopened: readonly FileProblem[], onProgress: ProgressCallback<{ done: number; total: number }>): Promise<DataSummary> {
    this.requireCasesUnused('another folder');
    await this.cases.load(files, (done, total) => void onProgress({ done, total }), unopened);
    this.reviews.forget();
    return this.dataSummary();
  }

  async dataSummary(): Promise<DataSummary> {
    return this.cases.summary(this.conn?.plan.validation.fraction ?? 0.2);
  }

  async excludeCase(caseId: string, excluded: boolean): Promise<DataSummary> {
    this.requireCasesUnused(`case ${caseId} ${excluded ? 'left out' : 'used'}`);
    this.cases.exclude(caseId, excluded);
    return this.dataSummary();
  }

  async assignSeries(seriesUid: string, sequence: Sequence | null): Promise<DataSummary> {
    this.requireCasesUnused('a series assigned');
    this.cases.assign(seriesUid, sequence);
    return this.dataSummary();
  }

  /** The cases a participation trains on are fixed while it runs: a change would show in the table, not in the rounds. */
  private requireCasesUnused(change: string): void {
    if (this.busy) throw new FedsegError('SITE_BUSY', `${change}: not while this site takes part, which trains on the cases as they were when it started; stop taking part first (Train tab)`);
  }

  async roundStatus(): Promise<RoundStatus> {
    return this.requireConn().client.round();
  }

  async participate(): Promise<void> {
    await this.exclusively((conn) => this.prepareAndRun(conn));
  }

  private async prepareAndRun(conn: Connection): Promise<void> {
    this.resumable = true;
    this.tracker.set({ phase: 'preparing', round: 0, rounds: conn.plan.rounds, message: 'Preparing the cases (resampling, normalising)' });
    let prepared: PreparedParticipation;
    try {
      prepared = await prepareParticipation(this.cases, {
        baseUrl: conn.baseUrl, patchSize: getPreset(conn.plan.model.preset).patchSize, validationFraction: conn.plan.validation.fraction, cache: this.caseMemory,
        stopRequested: () => this.stopRequested,
        // the bar counts the cases
        onCase: (done, total) => this.tracker.set({ ...this.tracker.progress, message: `Preparing the cases (resampling, normalising): case ${done + 1} of ${total}`, step: done, steps: total }),
        notice: (message, tone) => conn.emit({ kind: 'notice', message, tone }),
      });
    } catch (e) {
      // not left 'preparing': the page would show a participation that never ends
      this.tracker.set({ ...this.tracker.progress, phase: 'failed', message: `Not started: ${e instanceof Error ? e.message : String(e)}` });
      // the cases stored so far were only for a resume that cannot come
      await this.endRun(conn).catch(() => undefined);
      throw e;
    }
    if (prepared.stopped) {
      // nothing is trained: the cases prepared so far are let go
      this.showStopped();
      await this.endRun(conn);
      return;
    }
    this.resumable = prepared.resumable;
    await this.run(prepared.data);
  }

  async resume(): Promise<void> {
    await this.exclusively((conn) => this.resumeRun(conn));
  }

  /** Runs a participation: not while one runs in this tab (SITE_BUSY), nor in another tab (the site's Web Lock). */
  private async exclusively(work: (conn: Connection) => Promise<void>): Promise<void> {
    const conn = this.requireJoined();
    // checked before anything is prepared: a new copy of the cases would replace the one a resume needs
    this.requireHealthyGpu();
    if (this.busy) throw new FedsegError('SITE_BUSY', 'this site is already taking part (in this tab)');
    // the Worker is claimed before anything is prepared: a running demo refuses this at once
    const release = this.jobs.begin('taking part as the site');
    this.busy = true;
    this.stopRequested = false;
    try {
      await withSiteLock(conn.baseUrl, async () => {
        // only the tab that runs the site says, as it closes, that the site stopped
        const endStopOnClose = keepStopPrepared(conn.client, (request) => conn.emit({ kind: 'stop-on-close', request }));
        try {
          await work(conn);
        } finally {
          // a site that stopped (Stop, a GPU fault) is not waited for by the rounds until it takes part again;
          // told within 10 s or not at all (an unreachable coordinator waits for it until the round's deadline, as before).
          // The page keeps its signed stop until then: a tab closed meanwhile still says it
          if (this.stopRequested) await conn.client.withSignal(AbortSignal.timeout(10_000)).setParticipation(false).catch(() => undefined);
          endStopOnClose();
        }
      });
    } finally {
      this.busy = false;
      // however the participation ended, the tab lets go of its cases (a resume reads them from IndexedDB)
      this.caseMemory.clear();
      release();
    }
  }

  private async resumeRun(conn: Connection): Promise<void> {
    let data: SiteData;
    try {
      const stored = await siteStore.getCases(conn.baseUrl);
      if (!stored) throw new FedsegError('NO_CHECKPOINT', 'nothing to resume: no prepared cases are stored in this browser');
      data = stored.format === 2
        ? await this.storedCaseSets(conn, stored)
        : { train: stored.train.map(withHalfImage), validation: stored.validation.map(withHalfImage) };
    } catch (e) {
      // the page then offers Start, not this resume again
      this.tracker.set({ ...this.tracker.progress, phase: 'failed', message: `Not resumed: ${e instanceof Error ? e.message : String(e)}` });
      throw e;
    }
    this.resumable = true;
    // a round whose update was sent is not trained again (a second, different update would be refused)
    const cp = await siteStore.getCheckpoint(conn.baseUrl);
    const sent = cp && cp.planHash === conn.planHash && cp.phase === 'waiting' ? cp.round : undefined;
    // the run's first checkpoint is written from the tracker's progress: it must keep the stored round
    // (a fresh Worker's 'idle, round 0' would make a second reload train round `sent` again)
    if (sent !== undefined) this.tracker.set({ phase: 'waiting', round: sent, rounds: conn.plan.rounds, message: `Round ${sent}: update sent before the reload; waiting for the other sites` });
    await this.run(data, sent);
  }

  /**
   * The stored cases of a resumed participation, read as training draws them. Every one must
   * still be there: else what is left is dropped (it can never resume) and CHECKPOINT_INCOMPLETE
   * says which are gone.
   */
  private async storedCaseSets(conn: Connection, m: StoredCaseManifest): Promise<SiteData> {
    const present = new Set(await siteStore.storedCaseIds(m.baseUrl));
    const missing = [...m.train, ...m.validation].filter((id) => !present.has(id));
    if (missing.length > 0) {
      await this.endRun(conn);
      const named = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
      throw new FedsegError('CHECKPOINT_INCOMPLETE', `cannot resume: expected the prepared copies of ${m.train.length + m.validation.length} cases in this browser's storage, found ${named} missing (was the site's data cleared?); what was kept is dropped: press Start to prepare the cases again`);
    }
    const kept = new ParticipationCases(caseStorage(m.baseUrl), this.caseMemory);
    return { train: kept.caseSet(m.train), validation: kept.caseSet(m.validation) };
  }

  /**
   * Ends the running participation because this Worker can no longer train (the GPU was
   * lost or failed): it is reported failed, and its checkpoint and prepared cases stay for a resume
   * after a reload, unlike Stop.
   */
  fail(reason: string): void {
    this.failure = reason;
    if (this.busy) this.stopRequested = true;
    this.job?.abort();
  }

  /** after a GPU fault nothing more is computed here: its results would be undefined (GPU_FAULT) */
  private requireHealthyGpu(): void {
    if (this.failure) throw new FedsegError('GPU_FAULT', `${this.failure}; reload the page`);
  }

  private showStopped(): void {
    this.tracker.set({ ...this.tracker.progress, phase: 'stopped', message: stoppedMessage(this.tracker.progress) });
  }

  /** the participation ended by fail(): failed, and resumable after a reload */
  private showFailure(): void {
    this.tracker.set({ ...this.tracker.progress, phase: 'failed', message: `Stopped: ${this.failure}; ${this.resumable ? 'reload the page to resume' : 'reload the page and start again'}` });
  }

  async stopParticipating(): Promise<void> {
    // a Stop while the cases are prepared (before the run has its job) ends it before it starts
    if (this.busy) this.stopRequested = true;
    this.job?.abort();
    const conn = this.conn;
    if (conn) {
      const cp = await siteStore.getCheckpoint(conn.baseUrl);
      if (cp) await siteStore.putCheckpoint({ ...cp, active: false, savedAt: Date.now() });
    }
  }

  async review(caseId: string, onProgress: ProgressCallback<{ done: number; total: number }>): Promise<ReviewVolume> {
    const conn = this.requireJoined();
    return this.reviews.review(conn.client, conn.plan, caseId, onProgress);
  }

  async cancelReview(): Promise<void> {
    this.reviews.cancel();
  }

  async exportNifti(caseId: string, modelHash: string): Promise<Uint8Array> {
    return this.reviews.exportNifti(caseId, modelHash);
  }

  async exportDicomSeg(caseId: string, modelHash: string): Promise<Uint8Array> {
    return this.reviews.exportDicomSeg(caseId, modelHash);
  }

  // --- internals ---------------------------------------------------------------------

  private async run(data: SiteData, afterRound?: number): Promise<void> {
    const conn = this.requireJoined();
    if (this.job) throw new FedsegError('SITE_BUSY', 'this site is already taking part');
    if (this.failure) {
      this.showFailure();
      return;
    }
    if (this.stopRequested) {
      this.showStopped();
      await this.endRun(conn);
      return;
    }
    const job = new AbortController();
    this.job = job;
    this.tracker.startRun(data.train.length);
    try {
      await this.checkpoint(true);
      const result = await runSite({
        // Stop ends a long poll or an upload at once, not only the training between them
        client: conn.client.withSignal(job.signal), plan: conn.plan, planHash: conn.planHash, data, seed: 1, signal: job.signal, pollSeconds: 20,
        ...(afterRound !== undefined ? { afterRound } : {}),
        unmaskRecord: storedUnmaskRecord(conn.baseUrl, conn.client.credentials?.siteId ?? '', conn.planHash),
        // a GPU error is reported asynchronously: one that hit the round's evaluation or training is heard before its result goes
        beforeSend: async () => {
          await this.gpuSettled();
          this.requireHealthyGpu();
        },
        onEvent: (e) => this.tracker.onSiteEvent(e, this.requireConn().plan),
      });
      if (result.stoppedEarly && this.failure) {
        this.showFailure();
        return;
      }
      if (result.stoppedEarly) this.showStopped();
      await this.endRun(conn);
    } catch (e) {
      const aborted = job.signal.aborted;
      // a read on a lost or failing GPU can fail before the device says why: that is the reason, not the read's words
      if (!aborted) await Promise.all([this.gpuSettled(), faultGrace()]);
      if (this.failure) {
        this.showFailure();
        return;
      }
      if (aborted) {
        this.showStopped();
        await this.endRun(conn);
        return;
      }
      this.tracker.set({ ...this.tracker.progress, phase: 'failed', message: `Stopped by an error: ${e instanceof Error ? e.message : String(e)}` });
      throw e;
    } finally {
      this.job = undefined;
    }
  }

  /**
   * The run ended as meant (the federation finished, or the user stopped): a reload offers no
   * resume, so the prepared copy of the cases, kept in IndexedDB only to resume, is deleted.
   * A run that failed keeps both, and the page offers to resume it.
   */
  private async endRun(conn: Connection): Promise<void> {
    await this.checkpoint(false);
    const deleted = await siteStore.deleteCases(conn.baseUrl).then(() => true, () => false);
    // the notice of the prepared cases said they were kept "until the participation ends": it ended
    conn.emit({
      kind: 'notice', tone: deleted ? 'info' : 'warning',
      message: deleted
        ? 'The participation ended: the prepared copies of the cases were deleted from this browser\'s storage.'
        : 'The participation ended, but the prepared copies of the cases could not be deleted from this browser\'s storage; they go when the site takes part again, or with the site\'s data (browser settings).',
    });
  }

  /** told by the tracker of each change: the page hears it, and a running job's checkpoint follows it */
  private progressChanged(p: SiteProgress): void {
    this.conn?.emit({ kind: 'progress', progress: p });
    // 'failed' is not checkpointed: a resume goes on from the phase before (a round sent stays sent)
    if (this.job && p.phase !== 'training' && p.phase !== 'stopped' && p.phase !== 'failed') void this.checkpoint(true);
  }

  private async checkpoint(active: boolean): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    // a participation whose cases could not be kept is not offered for resuming
    await siteStore.putCheckpoint({ baseUrl: conn.baseUrl, planHash: conn.planHash, active: active && this.resumable, round: this.tracker.progress.round, phase: this.tracker.progress.phase, savedAt: Date.now() });
  }

  private requireConn(): Connection {
    if (!this.conn) throw new FedsegError('NOT_CONNECTED', 'not connected to a coordinator: open the invite link first');
    return this.conn;
  }

  private requireJoined(): Connection {
    const conn = this.requireConn();
    if (!conn.client.credentials) throw new FedsegError('NOT_JOINED', 'this browser has not joined the federation yet: accept the invite first');
    return conn;
  }
}

export type { SitePhase };
