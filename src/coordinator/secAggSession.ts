/**
 * Secure aggregation of one round over HTTP (Bonawitz et al., CCS 2017): wraps the
 * platform-free SecAggServer (src/core/privacy) with what a networked coordinator needs:
 * - per-phase deadlines and the plan's minSites: a phase closes when every expected site
 *   answered, or at its deadline with enough of them (advertise: max(2, minSites);
 *   shares and masked inputs: max(threshold, minSites); unmasking: threshold);
 * - idempotent posts (the same message again is a 'duplicate', a different one a conflict);
 * - long-poll waits for the next phase's message (roster, shares, unmask request);
 * - membership checks, so that a site that is not part of this session (it advertised too
 *   late, or the session restarted) hears SECAGG_NOT_IN_ROUND and can start over.
 * A phase that misses its deadline with too few sites: advertising waits another deadline;
 * a later phase cannot go back, so the session restarts (a fresh SecAggServer, same round).
 * State is in memory; masked inputs are also written as blobs by the federation.
 */
import type { WeightSet } from '../core/types/weights.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { SecAggServer, type SecAggResult } from '../core/privacy/secAggServer.ts';
import type {
  SecAggAdvertise, SecAggRoster, SecAggShares, SecAggSharesFor, SecAggUnmaskRequest, SecAggUnmaskResponse,
} from '../core/privacy/secAggMessages.ts';
import { FedsegError } from '../core/util/errors.ts';
import { HttpError } from './httpError.ts';

export type SecAggPhase = 'advertise' | 'shares' | 'masked' | 'unmask' | 'done';

export interface SecAggSessionOptions {
  readonly round: number;
  readonly spec: WeightSpec;
  readonly clipRange: number;
  readonly thresholdFraction: number;
  readonly minSites: number;
  readonly phaseMs: number;
  readonly now: number;
  /** the plan weighs every site equally (aggregation.weighting "equal"): an advertised weight must be 1 */
  readonly equalWeights: boolean;
  /** the plan's limits.maxSampleCount: no site's weight may be larger */
  readonly maxWeight: number;
}

export type SecAggDecision =
  | { readonly kind: 'wait' }
  | { readonly kind: 'advanced'; readonly phase: SecAggPhase }
  | { readonly kind: 'extended'; readonly reason: string }
  | { readonly kind: 'restart'; readonly reason: string }
  | { readonly kind: 'finish' };

export class SecAggSession {
  private server: SecAggServer;
  private phaseNow: SecAggPhase = 'advertise';
  private deadlineAt: number;
  /** per phase, per site: the canonical text (or hash) of what the site sent */
  private readonly received: Record<'advertise' | 'shares' | 'masked' | 'unmask', Map<string, string>> = {
    advertise: new Map(), shares: new Map(), masked: new Map(), unmask: new Map(),
  };
  private rosterMsg: SecAggRoster | null = null;
  private readonly sharesOut = new Map<string, SecAggSharesFor>();
  /**
   * sites that stopped taking part after they advertised this attempt's keys: their run
   * ended with those keys, so they are not waited for again in this attempt, also once they
   * take part again (their new advertisement is a refused duplicate; they join the next one)
   */
  private readonly leftOut = new Set<string>();
  private request: SecAggUnmaskRequest | null = null;
  private waiters: (() => void)[] = [];
  /** blob hash of each masked input, by site */
  readonly maskedBlobs = new Map<string, string>();
  /** how many times this round's session started over */
  restarts = 0;

  constructor(private readonly o: SecAggSessionOptions) {
    this.server = this.freshServer();
    this.deadlineAt = o.now + o.phaseMs;
  }

  get round(): number {
    return this.o.round;
  }

  get phase(): SecAggPhase {
    return this.phaseNow;
  }

  get deadline(): number {
    return this.deadlineAt;
  }

  /** Starts the round's secure aggregation over (a later phase missed its deadline, or a failed finish). */
  restart(now: number): void {
    this.server = this.freshServer();
    this.phaseNow = 'advertise';
    this.deadlineAt = now + this.o.phaseMs;
    for (const m of Object.values(this.received)) m.clear();
    this.rosterMsg = null;
    this.sharesOut.clear();
    this.request = null;
    this.maskedBlobs.clear();
    this.leftOut.clear();
    this.restarts++;
    this.wake();
  }

  // --- posts ---------------------------------------------------------------------------

  advertise(siteId: string, msg: SecAggAdvertise): 'accepted' | 'duplicate' {
    if (msg.siteId !== siteId) throw siteMismatch(siteId, msg.siteId);
    if (this.o.equalWeights && msg.weight !== 1) {
      throw new HttpError(422, 'SECAGG_WEIGHT', `secure aggregation round ${this.o.round}: site "${siteId}" advertised weight ${msg.weight}; expected 1 (the plan's aggregation.weighting is "equal")`);
    }
    if (msg.weight > this.o.maxWeight) {
      throw new HttpError(422, 'SECAGG_WEIGHT', `secure aggregation round ${this.o.round}: site "${siteId}" advertised weight ${msg.weight}; expected at most ${this.o.maxWeight} (the plan's limits.maxSampleCount)`);
    }
    return this.once('advertise', siteId, JSON.stringify(msg), () => this.server.addAdvertise(msg));
  }

  shares(siteId: string, msg: SecAggShares): 'accepted' | 'duplicate' {
    if (msg.siteId !== siteId) throw siteMismatch(siteId, msg.siteId);
    return this.once('shares', siteId, JSON.stringify(msg), () => this.server.addShares(msg));
  }

  /** Checks a masked input without adding it (so the federation can store it first). */
  checkMasked(siteId: string, hash: string): 'new' | 'duplicate' {
    const prior = this.received.masked.get(siteId);
    if (prior === hash) return 'duplicate';
    if (prior !== undefined) throw conflict('masked input', siteId);
    this.expectMember(siteId, 'sent a masked input');
    this.expectPhase('masked', siteId);
    if (!this.sharesOut.has(siteId)) throw notInSession(siteId, 'sent a masked input without shares of this attempt');
    return 'new';
  }

  masked(siteId: string, bytes: Uint8Array, hash: string, blobHash: string): 'accepted' | 'duplicate' {
    return this.once('masked', siteId, hash, () => {
      this.server.addMaskedInput(siteId, bytes);
      this.maskedBlobs.set(siteId, blobHash);
    });
  }

  /**
   * Takes back the masked input of a site revoked since it was accepted, while uploads are
   * still open (`bytes`: the input as stored); the site is then dropped, and its update
   * stays masked. Once the unmask request went out it cannot be: the survivors reveal its
   * self mask, and its mask key too would reveal its update. False when it is too late, or
   * the session holds no input of the site.
   */
  withdrawMasked(siteId: string, bytes: Uint8Array): boolean {
    if (this.phaseNow !== 'masked' || !this.received.masked.has(siteId)) return false;
    try {
      this.server.withdrawMaskedInput(siteId, bytes);
    } catch (e) {
      throw asHttp(e);
    }
    this.received.masked.delete(siteId);
    this.maskedBlobs.delete(siteId);
    return true;
  }

  unmaskResponse(siteId: string, msg: SecAggUnmaskResponse): 'accepted' | 'duplicate' {
    if (msg.siteId !== siteId) throw siteMismatch(siteId, msg.siteId);
    return this.once('unmask', siteId, JSON.stringify(msg), () => this.server.addUnmaskResponse(msg));
  }

  // --- what a site waits for -------------------------------------------------------------

  /** The roster once advertising closed; null while it is open. */
  roster(siteId: string): SecAggRoster | null {
    this.expectMember(siteId, 'asked for the roster');
    return this.rosterMsg;
  }

  sharesFor(siteId: string): SecAggSharesFor | null {
    if (!this.received.shares.has(siteId)) throw notInSession(siteId, 'asked for its shares');
    if (this.phaseNow === 'shares') return null;
    const s = this.sharesOut.get(siteId);
    if (!s) throw notInSession(siteId, 'asked for its shares');
    return s;
  }

  unmaskRequest(siteId: string): SecAggUnmaskRequest | null {
    if (!this.received.masked.has(siteId)) throw notInSession(siteId, 'asked for the unmask request');
    return this.request;
  }

  /** Resolves at the next phase change or after `ms`. */
  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const waiters = this.waiters;
      function done() {
        clearTimeout(t);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  // --- phase decisions -------------------------------------------------------------------

  /** Closes the current phase when it should (every expected site answered, or the deadline with enough). */
  decide(now: number, waitedFor: ReadonlySet<string>): SecAggDecision {
    const t = this.rosterMsg?.threshold ?? 2;
    const min = this.o.minSites;
    // a phase closes once every site it waits for answered: a revoked site, or one that stopped
    // taking part, is not waited for (missing there, it is a site that dropped out at that phase)
    for (const id of this.received.advertise.keys()) if (!waitedFor.has(id)) this.leftOut.add(id);
    const isActive = (s: string): boolean => waitedFor.has(s) && !this.leftOut.has(s);
    switch (this.phaseNow) {
      case 'advertise': {
        const got = this.received.advertise;
        const need = Math.max(2, min);
        const all = waitedFor.size > 0 && [...waitedFor].every((s) => got.has(s));
        if (got.size >= need && (all || now >= this.deadlineAt)) {
          this.rosterMsg = this.server.roster();
          return this.advance('shares', now);
        }
        if (now >= this.deadlineAt) {
          this.deadlineAt = now + this.o.phaseMs;
          return { kind: 'extended', reason: `secure aggregation: ${got.size} of the ${need} sites needed advertised keys by the deadline; waiting another deadline` };
        }
        return { kind: 'wait' };
      }
      case 'shares': {
        const expected = this.rosterMsg!.sites.map((s) => s.siteId).filter(isActive);
        return this.closeWhen(now, this.received.shares, expected, Math.max(t, min), 'shared keys', () => {
          const sharers = [...this.received.shares.keys()];
          for (const id of sharers) this.sharesOut.set(id, this.server.sharesFor(id));
          return this.advance('masked', now);
        });
      }
      case 'masked':
        return this.closeWhen(now, this.received.masked, [...this.sharesOut.keys()].filter(isActive), Math.max(t, min), 'uploaded masked inputs', () => {
          this.request = this.server.unmaskRequest();
          return this.advance('unmask', now);
        });
      case 'unmask':
        return this.closeWhen(now, this.received.unmask, this.request!.survivors.filter(isActive), t, 'answered the unmask request', () => ({ kind: 'finish' }));
      case 'done':
        return { kind: 'wait' };
    }
  }

  /** Removes the masks: the weighted mean of the survivors' updates. */
  async finish(): Promise<SecAggResult & { readonly meanDelta: WeightSet }> {
    const r = await this.server.finish();
    this.phaseNow = 'done';
    this.wake();
    return r;
  }

  /** a roster site's advertised weight: its case count, or 1 when the plan weighs sites equally */
  weightOf(siteId: string): number {
    return this.rosterMsg?.sites.find((x) => x.siteId === siteId)?.weight ?? 1;
  }

  /** sites whose masked input this session holds */
  get uploaders(): string[] {
    return [...this.received.masked.keys()];
  }

  // --- internals -------------------------------------------------------------------------

  private closeWhen(
    now: number, got: Map<string, string>, expected: readonly string[], need: number, what: string, close: () => SecAggDecision,
  ): SecAggDecision {
    const all = expected.every((s) => got.has(s));
    if (got.size >= need && (all || now >= this.deadlineAt)) return close();
    if (now >= this.deadlineAt) {
      const reason = `secure aggregation round ${this.o.round}: ${got.size} of the ${need} sites needed ${what} by the deadline; starting the round's secure aggregation over`;
      this.restart(now);
      return { kind: 'restart', reason };
    }
    return { kind: 'wait' };
  }

  private advance(phase: SecAggPhase, now: number): SecAggDecision {
    this.phaseNow = phase;
    this.deadlineAt = now + this.o.phaseMs;
    this.wake();
    return { kind: 'advanced', phase };
  }

  private once(kind: 'advertise' | 'shares' | 'masked' | 'unmask', siteId: string, text: string, add: () => void): 'accepted' | 'duplicate' {
    const prior = this.received[kind].get(siteId);
    if (prior === text) return 'duplicate';
    if (prior !== undefined) throw conflict(kind, siteId);
    if (kind !== 'advertise') this.expectMember(siteId, `sent its ${kind === 'unmask' ? 'unmask answer' : kind}`);
    this.expectPhase(kind, siteId);
    try {
      add();
    } catch (e) {
      throw asHttp(e);
    }
    this.received[kind].set(siteId, text);
    return 'accepted';
  }

  /**
   * A later phase's message from a site that did not advertise in this session: it comes
   * from an attempt before a restart, so the site hears SECAGG_NOT_IN_ROUND and starts over
   * (a phase error would make it sit out the attempt its restart exists for).
   */
  private expectMember(siteId: string, what: string): void {
    if (!this.received.advertise.has(siteId)) throw notInSession(siteId, what);
  }

  private expectPhase(phase: SecAggPhase, siteId: string): void {
    if (this.phaseNow !== phase) {
      throw new HttpError(409, 'SECAGG_PHASE', `secure aggregation round ${this.o.round}: site "${siteId}" sent a ${phase} message, but the round is in phase ${this.phaseNow}`);
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private freshServer(): SecAggServer {
    return new SecAggServer({ round: this.o.round, spec: this.o.spec, clipRange: this.o.clipRange, thresholdFraction: this.o.thresholdFraction });
  }
}

const siteMismatch = (signed: string, named: string) =>
  new HttpError(403, 'SITE_MISMATCH', `secure aggregation: expected a message of site ${signed} (the signer), found one naming ${named}`);

const conflict = (what: string, siteId: string) =>
  new HttpError(409, 'SECAGG_DUPLICATE', `secure aggregation: site "${siteId}" already sent a different ${what} message this round`);

const notInSession = (siteId: string, did: string) =>
  new HttpError(409, 'SECAGG_NOT_IN_ROUND', `secure aggregation: site "${siteId}" ${did}, but is not part of this phase of the round's secure aggregation (it came too late, or the round's secure aggregation started over); start again from advertising keys`);

const SECAGG_STATUS: Readonly<Record<string, 403 | 409 | 422>> = {
  SECAGG_PHASE: 409, SECAGG_DUPLICATE: 409, SECAGG_NOT_IN_ROUND: 409, SECAGG_TOO_FEW: 409, SECAGG_INVALID: 422, SECAGG_REFUSED: 422, UPDATE_SHAPE: 422,
};

function asHttp(e: unknown): unknown {
  if (e instanceof FedsegError && !(e instanceof HttpError)) {
    const status = SECAGG_STATUS[e.code];
    if (status) return new HttpError(status, e.code, e.message);
  }
  return e;
}
