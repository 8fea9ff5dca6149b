/**
 * The bookkeeping of one round, as a small pure class (time is passed in, nothing is
 * stored): open -> collecting -> aggregating -> closed.
 *
 * - open: the global model is published; no update yet.
 * - collecting: at least one site reported (an update or an evaluation).
 * - aggregating: the coordinator combines the updates; further uploads are refused.
 * - closed: the round's model is final; late uploads are refused.
 *
 * A round may close when every active site sent its update (and at least minSites
 * did), or at its deadline when at least minSites did. At the deadline with fewer, it
 * is extended by another deadline (extendOnTimeout) or stays open with no deadline until
 * enough updates have come (late ones, or from sites the operator invites);
 * either way `decide` says why, so the operator's status can show it.
 */
import { HttpError } from './httpError.ts';
import type { RoundStatus } from './storage/federationStore.ts';

export interface RoundPolicy {
  readonly minSites: number;
  readonly deadlineMs: number;
  readonly extendOnTimeout: boolean;
}

export type RoundDecision =
  | { readonly kind: 'wait'; readonly until: number }
  | { readonly kind: 'aggregate'; readonly reason: 'all-reported' | 'deadline' }
  | { readonly kind: 'extend'; readonly deadline: number; readonly reason: string }
  | { readonly kind: 'stalled'; readonly reason: string };

export class RoundMachine {
  readonly round: number;
  private statusNow: RoundStatus;
  private deadlineAt: number;
  private readonly reportedSites: Set<string>;
  private readonly policy: RoundPolicy;

  constructor(
    init: { round: number; status: RoundStatus; deadline: number; reported?: Iterable<string> },
    policy: RoundPolicy,
  ) {
    if (!Number.isInteger(policy.minSites) || policy.minSites < 1) {
      throw new RangeError(`minSites: expected an integer >= 1, found ${policy.minSites}`);
    }
    if (!(policy.deadlineMs > 0)) throw new RangeError(`deadlineMs: expected > 0, found ${policy.deadlineMs}`);
    this.round = init.round;
    this.statusNow = init.status;
    this.deadlineAt = init.deadline;
    this.reportedSites = new Set(init.reported ?? []);
    this.policy = policy;
  }

  get status(): RoundStatus {
    return this.statusNow;
  }

  get deadline(): number {
    return this.deadlineAt;
  }

  /** sites whose update this round holds */
  get reported(): ReadonlySet<string> {
    return this.reportedSites;
  }

  /** Fails with ROUND_CLOSED / ROUND_AGGREGATING unless this round still takes uploads. */
  assertAccepting(): void {
    if (this.statusNow === 'closed') {
      throw new HttpError(409, 'ROUND_CLOSED', `round ${this.round} is closed; it takes no more uploads`);
    }
    if (this.statusNow === 'aggregating') {
      throw new HttpError(409, 'ROUND_AGGREGATING', `round ${this.round} is being aggregated; it takes no more uploads`);
    }
  }

  /** A site reported an evaluation: the round is now collecting. */
  noteEvaluation(): void {
    this.assertAccepting();
    if (this.statusNow === 'open') this.statusNow = 'collecting';
  }

  /** A site's update was accepted; false when this site had already reported (idempotent). */
  acceptUpdate(siteId: string): boolean {
    this.assertAccepting();
    if (this.statusNow === 'open') this.statusNow = 'collecting';
    if (this.reportedSites.has(siteId)) return false;
    this.reportedSites.add(siteId);
    return true;
  }

  /** Takes back the updates of these sites (revoked since they were accepted); false when none was held. */
  withdraw(siteIds: Iterable<string>): boolean {
    let any = false;
    for (const s of siteIds) any = this.reportedSites.delete(s) || any;
    return any;
  }

  /** What to do now, given the sites that are active (joined, not revoked). */
  decide(now: number, activeSites: ReadonlySet<string>): RoundDecision {
    if (this.statusNow === 'aggregating' || this.statusNow === 'closed') {
      return { kind: 'stalled', reason: `round ${this.round} is ${this.statusNow}` };
    }
    const n = this.reportedSites.size;
    const enough = n >= this.policy.minSites;
    let allActive = activeSites.size > 0;
    for (const s of activeSites) if (!this.reportedSites.has(s)) allActive = false;
    if (enough && allActive) return { kind: 'aggregate', reason: 'all-reported' };
    if (now < this.deadlineAt) return { kind: 'wait', until: this.deadlineAt };
    if (enough) return { kind: 'aggregate', reason: 'deadline' };
    const reason = `deadline passed with ${n} of the ${this.policy.minSites} sites needed`;
    if (this.policy.extendOnTimeout) return { kind: 'extend', deadline: now + this.policy.deadlineMs, reason };
    // no deadline refuses a late update: the round goes on as soon as enough have come
    return { kind: 'stalled', reason: `${reason}; the round stays open (extendOnTimeout is off) and closes once ${this.policy.minSites} sites have sent updates: late ones are taken, and fedseg invite adds sites` };
  }

  extend(deadline: number): void {
    this.deadlineAt = deadline;
  }

  beginAggregation(): void {
    if (this.statusNow !== 'collecting' && this.statusNow !== 'open') {
      throw new Error(`round ${this.round}: cannot aggregate from status ${this.statusNow}`);
    }
    this.statusNow = 'aggregating';
  }

  /** Aggregation failed (e.g. the disk was full): collect again. */
  abortAggregation(): void {
    if (this.statusNow === 'aggregating') this.statusNow = 'collecting';
  }

  close(): void {
    if (this.statusNow !== 'aggregating') throw new Error(`round ${this.round}: cannot close from status ${this.statusNow}`);
    this.statusNow = 'closed';
  }
}
