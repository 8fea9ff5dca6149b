/**
 * Closing a round on disk: the round's aggregate is finished and checked, the new model and
 * the strategy's state (server-optimiser moments) are stored as blobs, and the round's
 * summary and the next round go to the store in one commit. Nothing in memory changes here,
 * so a failure anywhere leaves the Federation free to undo and retry.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { WeightSpec } from '../core/protocol/weightSpec.ts';
import { checkFinite, checkWeights } from '../core/protocol/weightSpec.ts';
import { encodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import type { Aggregator } from '../core/aggregation/strategy.ts';
import type { WeightSet } from '../core/types/weights.ts';
import type { FederationAlgorithms } from './federationAlgorithms.ts';
import type { BlobStore } from './storage/blobStore.ts';
import type { FederationStore, RoundRecord } from './storage/federationStore.ts';

export interface RoundCommitDeps {
  readonly plan: Plan;
  readonly spec: WeightSpec;
  readonly store: Pick<FederationStore, 'updates' | 'closeRound'>;
  readonly blobs: Pick<BlobStore, 'put'>;
  readonly algorithms: Pick<FederationAlgorithms, 'exportState' | 'roundSummary'>;
  /** how long the next round waits for its sites */
  readonly deadlineMs: number;
  now(): number;
}

export interface RoundCommit {
  readonly weights: WeightSet;
  /** SHA-256 of the new model's blob */
  readonly hash: string;
  /** the round opened next; null when round n was the plan's last */
  readonly next: RoundRecord | null;
  /** updates the round aggregated */
  readonly updates: number;
}

/**
 * Finishes `aggregator` and writes round n closed (model, strategy state, summary, next round) in one commit.
 * `counted`: the sites whose updates the aggregate holds, when not all recorded ones (a site revoked
 * after its update was accepted); the summary names the others as withdrawn.
 */
export async function commitRound(
  d: RoundCommitDeps, n: number, aggregator: Aggregator, reason: string, extra: Record<string, unknown>, counted?: ReadonlySet<string>,
): Promise<RoundCommit> {
  const recorded = await d.store.updates(n);
  const updates = counted ? recorded.filter((u) => counted.has(u.siteId)) : recorded;
  const withdrawn = recorded.filter((u) => !updates.includes(u)).map((u) => u.siteId);
  const weights = aggregator.finish();
  checkWeights(weights, d.spec, 'MODEL', `round ${n} aggregate`);
  const hash = await d.blobs.put(encodeWeightsBlob(weights));
  const state = d.algorithms.exportState();
  for (const t of state) checkFinite(t.name, t.values, 'MODEL', `round ${n} strategy state`);
  const stateHash = state.length > 0 ? await d.blobs.put(encodeWeightsBlob(state)) : null;
  const at = d.now();
  const summary = {
    ...(stateHash ? { strategyState: stateHash } : {}),
    reason,
    strategy: d.plan.aggregation.strategy,
    updates: updates.length,
    sites: updates.map((u) => u.siteId),
    samples: updates.reduce((s, u) => s + u.sampleCount, 0),
    ...(withdrawn.length > 0 ? { withdrawn } : {}),
    ...d.algorithms.roundSummary(n),
    ...extra,
  };
  const next: RoundRecord | null =
    n < d.plan.rounds
      ? { round: n + 1, status: 'open', globalModel: hash, openedAt: at, deadline: at + d.deadlineMs, extensions: 0, closedAt: null, resultModel: null, summary: null }
      : null;
  await d.store.closeRound(n, { resultModel: hash, closedAt: at, summary }, next);
  return { weights, hash, next, updates: updates.length };
}
