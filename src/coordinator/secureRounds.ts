/**
 * A federation's secure aggregation, round by round (docs/protocol.md, "Secure aggregation
 * over HTTP"): the current round's SecAggSession, what its phase decisions mean for the
 * round, and the unmasked mean. The mean is kept until the round commits, so that a failed
 * aggregation is retried from it: running the secure aggregation again over the same
 * updates would show the coordinator a second sum, and two sums over survivor sets that
 * differ by one site reveal that site's update. It is also written to disk (a blob, and a
 * `secagg-unmasked` audit entry naming it and the survivors) before anything else of the
 * round, so that a coordinator restarted before the round committed aggregates that mean
 * again instead of running the secure aggregation a second time. The Federation owns the
 * round machine and the aggregate step; this class reaches them through `SecureRoundsHost`.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { specSize } from '../core/protocol/weightSpec.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { decodeWeightsBlob, encodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { SecAggSession } from './secAggSession.ts';
import type { BlobStore } from './storage/blobStore.ts';
import type { FederationStore } from './storage/federationStore.ts';

/** the audit entry that holds a round's unmasked mean (its blob) and survivors */
const UNMASKED = 'secagg-unmasked';

export interface SecureRoundsHost {
  readonly plan: Plan;
  readonly spec: WeightSpec;
  readonly store: Pick<FederationStore, 'audit' | 'auditLog' | 'recordUpdate'>;
  readonly blobs: Pick<BlobStore, 'put' | 'getVerified'>;
  readonly phaseMs: number;
  now(): number;
  log(line: string): void;
  emit(): void;
  /**
   * `active`: joined and not revoked (a revoked site's masked input is taken out of the sum);
   * `waitedFor`: the active sites less those that stopped taking part (a phase does not wait
   * for them; a masked input a stopped site sent still counts)
   */
  siteSets(): Promise<{ readonly active: ReadonlySet<string>; readonly waitedFor: ReadonlySet<string> }>;
  /** the current round's global model (hash) */
  globalModel(): string;
  /** these sites' masked inputs were taken out of the round (revoked after they were accepted; audited) */
  withdrawn(siteIds: readonly string[], notice: string): void;
  /** the round waits longer ('extended') or collects again from the start ('restart') */
  notice(kind: 'extended' | 'restart', reason: string): Promise<void>;
  /**
   * Aggregates the unmasked mean as the round's one update of weight 1 and closes the round,
   * after `prepare` (the survivors' records); returns at once while a failed aggregation
   * backs off, and a failing `prepare` backs off like a failing aggregation.
   */
  aggregate(meanDelta: WeightSet, extra: Record<string, unknown>, prepare: () => Promise<void>): Promise<void>;
}

export class SecureRounds {
  /** the current round's session; null before open() and once the federation finished */
  session: SecAggSession | null = null;
  private unmasked: {
    readonly meanDelta: WeightSet;
    readonly survivors: readonly { readonly id: string; readonly blob: string; readonly weight: number }[];
    readonly at: number;
    readonly extra: Record<string, unknown>;
    /** the mean and the survivors are on disk (written once, before the records) */
    persisted: boolean;
    /** the survivors' update records are stored (a retry then only aggregates) */
    recorded: boolean;
  } | null = null;

  constructor(private readonly host: SecureRoundsHost) {}

  /** A fresh secure aggregation for `round`, or none (null: the federation finished). */
  open(round: number | null): void {
    this.unmasked = null;
    if (round === null) {
      this.session = null;
      return;
    }
    const { plan, spec, phaseMs } = this.host;
    const sa = plan.privacy.secureAggregation;
    this.session = new SecAggSession({
      round, spec, clipRange: sa.clipRange, thresholdFraction: sa.thresholdFraction, minSites: plan.stragglers.minSites,
      phaseMs, now: this.host.now(), equalWeights: plan.aggregation.weighting === 'equal', maxWeight: plan.limits.maxSampleCount,
    });
  }

  /**
   * `open(round)` for a coordinator that starts again: when the round's mean was unmasked
   * before the stop (its `secagg-unmasked` entry is on disk), the round goes on from that
   * mean, and the next decision aggregates it.
   */
  async resume(round: number | null): Promise<void> {
    this.open(round);
    if (round === null) return;
    const h = this.host;
    const [entry] = await h.store.auditLog({ action: UNMASKED, round, limit: 1 });
    if (!entry) return;
    const d = entry.detail as { mean: string; survivors: { id: string; blob: string; weight: number }[]; extra: Record<string, unknown> };
    const meanDelta = decodeWeightsBlob(await h.blobs.getVerified(d.mean), { expected: h.spec, kind: 'MODEL', source: `round ${round}'s unmasked mean` });
    this.unmasked = { meanDelta, survivors: d.survivors, at: entry.at, extra: d.extra, persisted: true, recorded: false };
    h.log(`round ${round}: resuming from the mean unmasked before the restart (${d.survivors.length} survivors); no second run of the secure aggregation`);
  }

  /** Applies the session's decision (phase deadlines, unmasking) while the round collects. */
  async decide(): Promise<void> {
    const h = this.host;
    const s = this.session;
    if (!s) return;
    if (this.unmasked) return this.aggregateUnmasked(); // a retry after a failed aggregation (or a failed record)
    const { active, waitedFor } = await h.siteSets();
    if (!(await this.withdrawRevoked(s, active))) return;
    const d = s.decide(h.now(), waitedFor);
    if (d.kind === 'wait') return;
    if (d.kind === 'advanced') {
      h.log(`round ${s.round}: secure aggregation phase ${d.phase}`);
      await h.store.audit({ at: h.now(), siteId: null, action: 'secagg-phase', round: s.round, detail: { phase: d.phase } });
      h.emit();
      return;
    }
    if (d.kind === 'extended' || d.kind === 'restart') return h.notice(d.kind, d.reason);
    let result;
    try {
      result = await s.finish();
    } catch (e) {
      s.restart(h.now());
      return h.notice('restart', `secure aggregation round ${s.round}: unmasking failed (${e instanceof Error ? e.message : String(e)}); starting the round's secure aggregation over`);
    }
    this.unmasked = {
      meanDelta: result.meanDelta,
      survivors: result.survivors.map((id) => ({ id, blob: s.maskedBlobs.get(id)!, weight: s.weightOf(id) })),
      at: h.now(),
      extra: { secureAggregation: { survivors: result.survivors, dropped: result.dropped, totalWeight: result.totalWeight, restarts: s.restarts } },
      persisted: false,
      recorded: false,
    };
    await this.aggregateUnmasked();
  }

  /**
   * A site revoked (`fedseg invite --revoke`, another process) after its masked input was
   * accepted, while uploads are open: its input is taken out of the sum, and it is dropped
   * like a site that went away (the survivors reveal its mask key, not its self mask, so its
   * update stays hidden). After the unmask request it stays in: docs/api.md. An input that
   * cannot be read back starts the attempt over (false: nothing more to decide now).
   */
  private async withdrawRevoked(s: SecAggSession, active: ReadonlySet<string>): Promise<boolean> {
    if (s.phase !== 'masked') return true;
    const h = this.host;
    for (const siteId of s.uploaders.filter((id) => !active.has(id))) {
      const blob = s.maskedBlobs.get(siteId)!;
      let bytes: Uint8Array;
      try {
        bytes = await h.blobs.getVerified(blob);
      } catch (e) {
        // the input cannot be taken out of the sum without its bytes: the attempt starts over without the site
        s.restart(h.now());
        await h.notice('restart', `secure aggregation round ${s.round}: the masked input of ${siteId}, revoked after it was accepted, could not be read back to take it out of the sum (${e instanceof Error ? e.message : String(e)}); starting the round's secure aggregation over`);
        return false;
      }
      if (!s.withdrawMasked(siteId, bytes)) continue;
      // reported before it is audited: the input is out of the sum whatever the audit write does
      const notice = `round ${s.round}: the masked input of ${siteId} was taken out of the secure sum (revoked after it was accepted); dropped, its update unrevealed`;
      h.log(notice);
      h.withdrawn([siteId], notice);
      await h.store.audit({
        at: h.now(), siteId, action: 'update-withdrawn', round: s.round,
        detail: { reason: 'the site was revoked after its masked input was accepted: taken out of the secure sum, and dropped', maskedInput: blob },
      });
    }
    return true;
  }

  /** Records each survivor's update (until all are stored: the store answers a repeat 'duplicate') and aggregates the unmasked mean. */
  private async aggregateUnmasked(): Promise<void> {
    const h = this.host;
    const u = this.unmasked!;
    const round = this.session!.round;
    await h.aggregate(u.meanDelta, u.extra, async () => {
      if (!u.persisted) {
        const mean = await h.blobs.put(encodeWeightsBlob(u.meanDelta));
        await h.store.audit({ at: u.at, siteId: null, action: UNMASKED, round, detail: { mean, survivors: u.survivors, extra: u.extra } });
        u.persisted = true;
      }
      if (u.recorded) return;
      for (const x of u.survivors) {
        const r = await h.store.recordUpdate({
          round, siteId: x.id, payloadHash: x.blob, baseModel: h.globalModel(), sampleCount: x.weight,
          codec: 'secagg', bytes: 4 * specSize(h.spec), metrics: { secureAggregation: true }, receivedAt: u.at,
        });
        // another record for this site and round: the round's records would not be its model's
        if (r === 'conflict') throw new Error(`round ${round}: site ${x.id} already has another update recorded, not its masked input ${x.blob}`);
      }
      u.recorded = true;
    });
  }

  /** The round's aggregation failed: retried from the unmasked mean if there is one, else the secure aggregation starts over. */
  aggregationFailed(): void {
    if (!this.unmasked) this.session?.restart(this.host.now());
  }
}
