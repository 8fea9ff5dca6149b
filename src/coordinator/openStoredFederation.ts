/**
 * The first step of a coordinator's start: the federation its data folder holds, created
 * on the first start (round 1 open over the initial model), or checked against the plan
 * given (PLAN_CHANGED when the plan differs) and read back: the current round, with a
 * round left 'aggregating' by a stop recorded as collecting again (its aggregation
 * did not finish; the round collects again and its record says so), and the strategy's
 * state after the last closed round. Temporary blobs left by a stop are removed. The
 * round's running aggregate is the Federation's to rebuild from this.
 */
import type { Plan } from '../core/protocol/plan.ts';
import { checkWeights, type WeightSpec } from '../core/protocol/weightSpec.ts';
import { decodeWeightsBlob, encodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import type { WeightSet } from '../core/types/weights.ts';
import { HttpError } from './httpError.ts';
import type { BlobStore } from './storage/blobStore.ts';
import type { FederationStore, RoundRecord } from './storage/federationStore.ts';

export interface StoredFederationDeps {
  readonly store: FederationStore;
  readonly blobs: BlobStore;
  readonly plan: Plan;
  readonly planHash: string;
  readonly spec: WeightSpec;
  /** round 1's deadline is this long after its opening */
  readonly deadlineMs: number;
  /** the initial global weights; called on the first start only */
  readonly initialWeights: () => Promise<WeightSet>;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

export interface StoredFederation {
  /** the data folder held no federation: it was created now */
  readonly created: boolean;
  /** the latest round; never 'aggregating' */
  readonly current: RoundRecord;
  /** the strategy's state recorded by the last closed round; null when none was */
  readonly strategyState: WeightSet | null;
}

export async function openStoredFederation(deps: StoredFederationDeps): Promise<StoredFederation> {
  const { store, blobs, plan, planHash } = deps;
  const stored = await store.federation();
  if (!stored) {
    const weights = await deps.initialWeights();
    checkWeights(weights, deps.spec, 'MODEL', 'initial model');
    const hash = await blobs.put(encodeWeightsBlob(weights));
    const at = deps.now();
    await store.initialise(
      { planJson: JSON.stringify(plan), planHash, createdAt: at },
      { round: 1, status: 'open', globalModel: hash, openedAt: at, deadline: at + deps.deadlineMs, extensions: 0, closedAt: null, resultModel: null, summary: null },
    );
    deps.log(`federation "${plan.federation}" created: plan ${planHash}, round 1 of ${plan.rounds}, model ${hash}`);
  } else if (stored.planHash !== planHash) {
    throw new HttpError(409, 'PLAN_CHANGED', `the data folder holds a federation with plan hash ${stored.planHash}; the plan given has ${planHash} (start with the same plan, or a new --data folder)`);
  }
  blobs.cleanTemporary();
  const rounds = await store.rounds();
  let current = rounds.at(-1);
  if (!current) throw new Error('federation store has no round');
  const stateHash = rounds.filter((r) => r.status === 'closed').at(-1)?.summary?.strategyState;
  const strategyState = typeof stateHash === 'string'
    ? decodeWeightsBlob(await blobs.getVerified(stateHash), { expected: null, kind: 'MODEL', source: 'strategy state' })
    : null;
  if (current.status === 'aggregating') {
    await store.setRoundStatus(current.round, 'collecting');
    current = { ...current, status: 'collecting' };
  }
  return { created: !stored, current, strategyState };
}
