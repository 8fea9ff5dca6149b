/**
 * The coordinator's side of the secure-aggregation requests (docs/protocol.md, "Secure
 * aggregation over HTTP"): key advertisements, key shares, masked inputs, unmask
 * responses, and the long-polled roster, shares and unmask request. Each request is
 * checked against the federation's current round and applied to its SecAggSession on the
 * federation's serial queue; the federation then decides (phase deadlines, unmasking,
 * aggregation). The federation owns the session and the round machine; this class only
 * reaches them through `SecAggHost`.
 */
import type { RoundStatus } from '../core/protocol/messages.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { specSize } from '../core/protocol/weightSpec.ts';
import type { SecAggAdvertise, SecAggShares, SecAggUnmaskResponse } from '../core/privacy/secAggMessages.ts';
import { isAgreementPublicKey } from '../core/privacy/secAggCrypto.ts';
import { sha256Hex } from '../core/util/webCrypto.ts';
import { HttpError } from './httpError.ts';
import { wrongRound } from './federationRefusals.ts';
import type { RoundMachine } from './roundMachine.ts';
import type { SecAggPhase, SecAggSession } from './secAggSession.ts';
import type { BlobStore } from './storage/blobStore.ts';
import type { FederationStore } from './storage/federationStore.ts';

/** What a site waits for in secure aggregation, and what a GET answers. */
export type SecAggWaitKind = 'roster' | 'shares' | 'unmask';
export interface SecAggWaitAnswer {
  readonly round: number;
  readonly phase: SecAggPhase;
  readonly ready: boolean;
  /** the roster, the shares sealed for this site, or the unmask request; absent while not ready */
  readonly message?: unknown;
}
export type SecAggPostAnswer = { readonly status: 'accepted' | 'duplicate'; readonly round: number; readonly phase: SecAggPhase };

/** What the endpoints need of the federation. */
export interface SecAggHost {
  readonly spec: WeightSpec;
  readonly secure: boolean;
  /** the current round's session; null once the federation finished */
  session(): SecAggSession | null;
  /** the current round's state machine; null once the federation finished */
  machine(): RoundMachine | null;
  readonly store: Pick<FederationStore, 'audit' | 'auditLog' | 'updates'>;
  readonly blobs: Pick<BlobStore, 'put'>;
  now(): number;
  log(line: string): void;
  roundStatus(): Promise<RoundStatus>;
  /** runs fn on the federation's queue of state changes */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** tells listeners that the round changed */
  emit(): void;
  /** applies the session's and the round machine's decision now (a failure is logged, not thrown: the request was accepted) */
  decideNow(): Promise<void>;
}

export class SecAggEndpoints {
  constructor(private readonly host: SecAggHost) {}

  /** A site's key advertisement, key shares or unmask response for `round`. */
  async post(siteId: string, round: number, kind: 'advertise', msg: SecAggAdvertise): Promise<SecAggPostAnswer>;
  async post(siteId: string, round: number, kind: 'shares', msg: SecAggShares): Promise<SecAggPostAnswer>;
  async post(siteId: string, round: number, kind: 'unmask', msg: SecAggUnmaskResponse): Promise<SecAggPostAnswer>;
  async post(siteId: string, round: number, kind: 'advertise' | 'shares' | 'unmask', msg: unknown): Promise<SecAggPostAnswer> {
    const h = this.host;
    if (kind === 'advertise') {
      // a key that is no point of the curve would fail the unmasking of every attempt of the round
      for (const key of ['cPublic', 'sPublic'] as const) {
        if (!(await isAgreementPublicKey((msg as SecAggAdvertise)[key]))) {
          throw new HttpError(422, 'SECAGG_INVALID', `secure aggregation keys of round ${round}: ${key} of "${siteId}" is no ECDH P-256 public key (not a point of the curve)`);
        }
      }
    }
    return h.serial(async () => {
      // an unmask answer after the round closed with this site's input in it (the answer was late, or lost and sent again)
      const s = kind === 'unmask' ? await this.sessionOrCounted(round, `secure aggregation ${kind}`, siteId) : await this.session(round, `secure aggregation ${kind}`);
      if (!s) return { status: 'duplicate', round, phase: 'done' } as const;
      const status =
        kind === 'advertise' ? s.advertise(siteId, msg as SecAggAdvertise)
        : kind === 'shares' ? s.shares(siteId, msg as SecAggShares)
        : s.unmaskResponse(siteId, msg as SecAggUnmaskResponse);
      if (status === 'accepted') {
        if (kind === 'advertise') h.machine()?.noteEvaluation();
        await h.store.audit({ at: h.now(), siteId, action: `secagg-${kind}`, round, detail: {} });
        h.emit();
        await h.decideNow();
      } else {
        await this.auditOnce(siteId, round, `secagg-${kind}`, {});
      }
      return { status, round, phase: h.session()?.phase ?? 'done' };
    });
  }

  /** A masked input (uint32 little-endian per weight): stored as a blob, added to the masked sum. */
  async masked(siteId: string, round: number, bytes: Uint8Array): Promise<SecAggPostAnswer & { readonly uploadHash: string }> {
    const h = this.host;
    const expected = 4 * specSize(h.spec);
    if (bytes.length !== expected) {
      throw new HttpError(422, 'UPDATE_SHAPE', `masked input: expected ${expected} bytes (one uint32 per weight of the plan's model), found ${bytes.length}`);
    }
    const hash = await sha256Hex(bytes);
    return h.serial(async () => {
      // sent again after the round closed with it (its answer was lost): counted, as a plain update's repeat is
      const s = await this.sessionOrCounted(round, 'masked input', siteId, hash);
      if (!s) return { status: 'duplicate', round, phase: 'done', uploadHash: hash } as const;
      if (s.checkMasked(siteId, hash) === 'duplicate') {
        await this.auditOnce(siteId, round, 'secagg-masked', { blob: hash, bytes: bytes.length });
        return { status: 'duplicate', round, phase: s.phase, uploadHash: hash } as const;
      }
      const blob = await h.blobs.put(bytes);
      const status = s.masked(siteId, bytes, hash, blob);
      h.machine()?.acceptUpdate(siteId);
      await h.store.audit({ at: h.now(), siteId, action: 'secagg-masked', round, detail: { blob, bytes: bytes.length } });
      h.log(`round ${round}: masked input from ${siteId} (${bytes.length} bytes)`);
      h.emit();
      await h.decideNow();
      return { status, round, phase: h.session()?.phase ?? 'done', uploadHash: hash };
    });
  }

  /** The roster, this site's sealed shares or the unmask request; waits up to waitMs for it, or until `signal` aborts (the client went away). */
  async wait(siteId: string, round: number, kind: SecAggWaitKind, waitMs: number, signal?: AbortSignal): Promise<SecAggWaitAnswer> {
    const h = this.host;
    const until = h.now() + waitMs;
    for (;;) {
      const s = await h.serial(() => this.session(round, `secure aggregation ${kind}`));
      const message = kind === 'roster' ? s.roster(siteId) : kind === 'shares' ? s.sharesFor(siteId) : s.unmaskRequest(siteId);
      if (message) return { round, phase: s.phase, ready: true, message };
      const left = until - h.now();
      if (left <= 0 || signal?.aborted) return { round, phase: s.phase, ready: false };
      await s.waitForChange(Math.min(left, 1000));
    }
  }

  /**
   * A repeated message's audit entry, written if the first one's write failed (that request
   * was answered 500 after the session had taken the message; its repeat is a duplicate).
   */
  private async auditOnce(siteId: string, round: number, action: string, detail: Record<string, unknown>): Promise<void> {
    const h = this.host;
    if ((await h.store.auditLog({ siteId, action, round, limit: 1 })).length === 0) await h.store.audit({ at: h.now(), siteId, action, round, detail });
  }

  /**
   * The session of `round`; null when that round is no longer open and has this site's input
   * among its records (`hash`: that very input), so that a repeat is answered as one. The
   * records are read only then, not for every message of an open round.
   */
  private async sessionOrCounted(round: number, what: string, siteId: string, hash?: string): Promise<SecAggSession | null> {
    try {
      return await this.session(round, what);
    } catch (e) {
      const gone = e instanceof HttpError && (e.code === 'ROUND_CLOSED' || e.code === 'ROUND_AGGREGATING');
      if (gone && (await this.host.store.updates(round)).some((u) => u.siteId === siteId && (hash === undefined || u.payloadHash === hash))) return null;
      throw e;
    }
  }

  /** The session of `round` if it is the current one and accepting; a refusal otherwise. */
  private async session(round: number, what: string): Promise<SecAggSession> {
    const h = this.host;
    if (!h.secure) throw new HttpError(409, 'SECAGG_OFF', `${what}: this federation's plan does not use secure aggregation`);
    const status = await h.roundStatus();
    if (round !== status.round || status.finished) throw wrongRound(what, round, status.round, status.finished);
    h.machine()?.assertAccepting();
    const s = h.session();
    if (!s || s.round !== round) throw wrongRound(what, round, status.round, status.finished);
    return s;
  }
}
