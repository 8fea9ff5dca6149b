/**
 * Everything the page knows, in one object that main.ts creates and passes to every
 * view (no globals). Each part is a Store that views subscribe to; the Worker's events
 * flow into the stores here and nowhere else.
 */
import type { RegionScores } from '../../core/types/labels.ts';
import type {
  BackendInfo, DataSummary, FederationInfo, LedgerEntry, NoticeTone, RoundStatus, SiteEventForPage, SiteIdentityInfo, SiteProgress,
} from '../../worker/workerApi.ts';
import { refusalReason, refusalText } from '../../core/protocol/client/refusalText.ts';
import type { PreparedRequest } from '../../core/protocol/client/protocolClient.ts';
import { callback, type WorkerRemote } from '../workerClient.ts';
import { Store } from './store.ts';
import { backoffDelay } from '../../core/util/backoffDelay.ts';
import { requestPersistentStorage, type PersistableStorage, type StoragePersistence } from './persistentStorage.ts';

export type BackendState =
  | { readonly status: 'starting' }
  | { readonly status: 'ready'; readonly info: BackendInfo }
  | { readonly status: 'failed'; readonly error: string };

export type FederationState =
  | { readonly status: 'connecting' }
  | { readonly status: 'ready'; readonly info: FederationInfo }
  /** `unreachable`: nothing answered (as against an answer the page cannot use) */
  | { readonly status: 'failed'; readonly error: string; readonly unreachable?: boolean };

/** One row of the per-round history the Train view plots. */
export interface RoundRecord {
  readonly round: number;
  readonly dice?: RegionScores;
  readonly validationCases?: number;
  readonly meanLoss?: number;
  readonly lastLoss?: number;
  readonly uploadBytes?: number;
  /** the round's update was sent and not used: why, in a few words (refusalReason) */
  readonly updateNotUsed?: string;
}

/** One line of the Train view's notices: for information, or a warning. */
export interface PageNotice {
  readonly text: string;
  readonly tone: NoticeTone;
}

export class AppState {
  readonly backend = new Store<BackendState>({ status: 'starting' });
  readonly federation = new Store<FederationState>({ status: 'connecting' });
  readonly data = new Store<DataSummary | null>(null);
  readonly progress = new Store<SiteProgress>({ phase: 'idle', round: 0, rounds: 0, message: 'Not taking part yet.' });
  readonly roundStatus = new Store<RoundStatus | null>(null);
  readonly history = new Store<readonly RoundRecord[]>([]);
  readonly ledger = new Store<readonly LedgerEntry[]>([]);
  readonly notices = new Store<readonly PageNotice[]>([]);
  /** set when the Worker could not start or stopped: the page can do nothing more until reloaded */
  readonly fatal = new Store<string | null>(null);
  /** what the browser promised about keeping the site's stored data; null until this browser holds an identity and asked */
  readonly persistence = new Store<StoragePersistence | null>(null);
  private persistenceAsked = false;
  /** sent if the tab closes while the site takes part (the Worker's keepStopPrepared); null: nothing to send */
  private stopOnClose: PreparedRequest | null = null;

  constructor(readonly worker: WorkerRemote, readonly baseUrl: string) {}

  private backendChoice: Promise<BackendInfo | undefined> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Asks the Worker to choose its backend once; later calls, also those made while it is
   * choosing (a Start pressed at once), get the same answer. A failure may be tried again.
   */
  initBackend(): Promise<BackendInfo | undefined> {
    this.backendChoice ??= this.worker.init().then(
      (info) => {
        this.backend.set({ status: 'ready', info });
        return info;
      },
      (e: unknown) => {
        this.backend.set({ status: 'failed', error: errorText(e) });
        this.backendChoice = undefined;
        return undefined;
      },
    );
    return this.backendChoice;
  }

  /**
   * The Worker could not start or died (a script that failed to load, a crash): every
   * call to it would wait for ever, so the page says so wherever it waits.
   */
  workerFailed(reason: string): void {
    const error = `the training worker stopped (${reason}); reload the page (a participation resumes where it stopped)`;
    this.fatal.set(error);
    if (this.backend.value.status !== 'ready') this.backend.set({ status: 'failed', error });
    if (this.federation.value.status === 'connecting') this.federation.set({ status: 'failed', error });
    const p = this.progress.value;
    if (!['idle', 'finished', 'stopped', 'failed'].includes(p.phase)) this.progress.set({ ...p, phase: 'failed', message: `Stopped: ${error}.` });
  }

  /**
   * Reads the federation's plan and this browser's stored identity (through the Worker).
   * A coordinator that cannot be reached (or answers 5xx) is tried again, 2 s up to a minute
   * apart, so a page opened while the coordinator restarts connects once it is back.
   */
  async connect(attempt = 0): Promise<FederationInfo | undefined> {
    // a Try again pressed while a retry is pending replaces that retry
    clearTimeout(this.retryTimer);
    if (attempt === 0) this.federation.set({ status: 'connecting' });
    try {
      const info = await this.worker.connect(this.baseUrl, callback((e: SiteEventForPage) => this.onSiteEvent(e)));
      this.federation.set({ status: 'ready', info });
      if (info.identity) this.keepStorage();
      return info;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const again = code === 'UNREACHABLE' || (typeof code === 'string' && /^HTTP_5\d\d$/.test(code)) ? backoffDelay(attempt + 1, 2000, 60_000) : null;
      this.federation.set({ status: 'failed', error: errorText(e) + (again === null ? '' : `; trying again in ${again / 1000} s`), unreachable: code === 'UNREACHABLE' });
      if (again !== null) this.retryTimer = setTimeout(() => void this.connect(attempt + 1), again);
      return undefined;
    }
  }

  /** Records the identity after a join. */
  joined(identity: SiteIdentityInfo): void {
    const f = this.federation.value;
    if (f.status === 'ready') this.federation.set({ status: 'ready', info: { ...f.info, identity } });
    this.keepStorage();
  }

  /** This browser holds a site's key: asks, once per page, that its storage be kept when the disk runs low. */
  private keepStorage(): void {
    if (this.persistenceAsked) return;
    this.persistenceAsked = true;
    void this.askPersistence();
  }

  /** Asks the browser (again: after a bookmark, Chromium may grant what it refused) to keep the site's storage. */
  async askPersistence(): Promise<StoragePersistence> {
    const storage = (globalThis as { navigator?: { storage?: PersistableStorage } }).navigator?.storage;
    const p = await requestPersistentStorage(storage);
    this.persistence.set(p);
    return p;
  }

  get identity(): SiteIdentityInfo | null {
    const f = this.federation.value;
    return f.status === 'ready' ? f.info.identity : null;
  }

  private onSiteEvent(e: SiteEventForPage): void {
    switch (e.kind) {
      case 'ledger':
        this.ledger.set([...this.ledger.value, e.entry]);
        break;
      case 'progress':
        this.progress.set(e.progress);
        break;
      case 'round':
        this.roundStatus.set(e.status);
        break;
      case 'evaluated':
        this.record(e.round, { dice: e.dice, validationCases: e.cases });
        break;
      case 'trained':
        this.record(e.round, { meanLoss: e.meanLoss, lastLoss: e.lastLoss, uploadBytes: e.uploadBytes });
        break;
      case 'refused':
        this.notices.set([...this.notices.value, { text: refusalText(e.round, e.what, e.code, e.message), tone: 'warning' }]);
        if (e.what === 'update') this.record(e.round, { updateNotUsed: refusalReason(e.code) });
        break;
      case 'notice':
        this.notices.set([...this.notices.value, { text: e.message, tone: e.tone }]);
        break;
      case 'stop-on-close':
        this.stopOnClose = e.request;
        break;
    }
  }

  /**
   * The tab is closing or reloading (pagehide): a site that takes part tells the coordinator
   * it stopped, as Stop does, so that the rounds do not wait for it until their deadlines.
   * A keepalive request outlives the page; its answer is not read.
   */
  tabClosing(fetchFn: (url: string, init: RequestInit) => Promise<unknown> = (url, init) => fetch(url, init)): void {
    const r = this.stopOnClose;
    if (!r) return;
    this.stopOnClose = null;
    void fetchFn(r.url, { method: r.method, headers: { ...r.headers }, body: r.body, keepalive: true }).catch(() => undefined);
  }

  private record(round: number, patch: Omit<RoundRecord, 'round'>): void {
    const rows = [...this.history.value];
    const i = rows.findIndex((r) => r.round === round);
    if (i >= 0) rows[i] = { ...rows[i]!, ...patch };
    else rows.push({ round, ...patch });
    rows.sort((a, b) => a.round - b.round);
    this.history.set(rows);
  }
}

/** The words of an error, whatever was thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
