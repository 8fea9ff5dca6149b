/**
 * The operator dashboard's copy of GET /api/v1/status, fetched with the operator token
 * and again every few seconds while the dashboard is open, and the operator's actions
 * (invite a site, revoke one) with the same token. A refused token stops it (the
 * dashboard asks for the token again); an unreachable coordinator keeps the last answer
 * on show, says so, and is asked again at the next tick.
 */
import { ProtocolClient } from '../../core/protocol/client/protocolClient.ts';
import type { FetchLike } from '../../core/protocol/client/fetchLike.ts';
import type { InviteResponse, RevokeResponse } from '../../core/protocol/operatorActions.ts';
import type { OperatorStatus } from '../../core/protocol/operatorStatusSchema.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { Store } from './store.ts';

/** the page is in a tab the operator does not see (false outside a browser) */
const isHidden = (): boolean => (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden';

export type OperatorFeedState =
  | { readonly kind: 'loading' }
  /** `at`: when this answer came (the page's clock) */
  | { readonly kind: 'ready'; readonly status: OperatorStatus; readonly at: number }
  /** the token was refused (401/403): nothing more is asked with it */
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  /** the last request failed otherwise; `last`: the answer still on show, if any */
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly last?: { readonly status: OperatorStatus; readonly at: number } };

export interface OperatorFeedOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly intervalMs?: number;
  readonly fetch?: FetchLike;
  readonly now?: () => number;
}

export class OperatorFeed {
  readonly state = new Store<OperatorFeedState>({ kind: 'loading' });
  private readonly client: ProtocolClient;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly o: OperatorFeedOptions) {
    // one try per tick: the next tick is the retry
    this.client = new ProtocolClient({ baseUrl: o.baseUrl, retry: { attempts: 1 }, ...(o.fetch ? { fetch: o.fetch } : {}) });
  }

  /** Fetches now, then every `intervalMs` (5 s) after each answer, until stop() or a refused token. */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Fetches once now (as a Refresh button asks); resolves when the state holds the answer. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** A one-time invite for a new site; the dashboard refreshes to list it. */
  async invite(siteName: string): Promise<InviteResponse> {
    const invite = await this.client.invite(this.o.token, siteName);
    void this.refresh();
    return invite;
  }

  /** Revokes a site; the dashboard refreshes to show it revoked (and the round no longer waiting for it). */
  async revoke(siteId: string): Promise<RevokeResponse> {
    const revoked = await this.client.revoke(this.o.token, siteId);
    void this.refresh();
    return revoked;
  }

  private async tick(): Promise<void> {
    // a dashboard in a hidden tab is not asked for: the coordinator of a large federation answers with every round
    if (!isHidden()) await this.refresh();
    if (this.stopped || this.state.value.kind === 'refused') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.o.intervalMs ?? 5000);
  }

  private async fetchOnce(): Promise<void> {
    const now = this.o.now ?? Date.now;
    try {
      const status = await this.client.status(this.o.token);
      this.state.set({ kind: 'ready', status, at: now() });
    } catch (e) {
      const code = e instanceof FedsegError ? e.code : 'UNEXPECTED';
      const message = e instanceof Error ? e.message : String(e);
      const httpStatus = (e as { status?: unknown }).status;
      if (httpStatus === 401 || httpStatus === 403) {
        this.stop();
        this.state.set({ kind: 'refused', code, message });
        return;
      }
      const prev = this.state.value;
      const last = prev.kind === 'ready' ? { status: prev.status, at: prev.at } : prev.kind === 'failed' ? prev.last : undefined;
      this.state.set({ kind: 'failed', code, message, ...(last ? { last } : {}) });
    }
  }
}
