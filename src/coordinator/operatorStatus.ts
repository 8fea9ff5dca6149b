/**
 * The operator's view of the federation (GET /api/v1/status, `fedseg status`): the
 * plan, sites, every round with who reported and the federated evaluation (per-region
 * Dice and HD95, means weighted by each site's validation cases). Public parts only:
 * no keys, no invite tokens, no audit log.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { RoundStatus } from '../core/protocol/messages.ts';
import { REGIONS, type RegionScores } from '../core/types/labels.ts';
import type { FederationStore, RoundStatus as StoredRoundStatus, SiteStatus } from './storage/federationStore.ts';

export interface RoundEvaluation {
  readonly cases: number;
  readonly sites: number;
  readonly dice: RegionScores;
  readonly hd95: RegionScores;
}

export interface RoundView {
  readonly round: number;
  readonly status: StoredRoundStatus;
  readonly globalModel: string;
  readonly resultModel: string | null;
  readonly openedAt: number;
  readonly deadline: number;
  readonly closedAt: number | null;
  readonly extensions: number;
  /** `norm`: the update's L2 norm as decoded, where the coordinator could see it (not under secure aggregation) */
  readonly updates: readonly { siteId: string; sampleCount: number; bytes: number; codec: string; receivedAt: number; metrics: Readonly<Record<string, unknown>>; norm?: number }[];
  readonly evaluations: readonly { siteId: string; cases: number; dice: RegionScores; hd95: RegionScores; receivedAt: number }[];
  /** federated evaluation of `globalModel`; null before any site reported */
  readonly evaluation: RoundEvaluation | null;
  readonly summary: Readonly<Record<string, unknown>> | null;
}

export interface OperatorStatus {
  readonly federation: string;
  readonly planHash: string;
  readonly plan: Plan;
  readonly current: RoundStatus;
  /** why the current round waits past its deadline; null when on time */
  readonly notice: string | null;
  /** `lastSeenAt`: the coordinator's time of the site's last signed request, null before any */
  readonly sites: readonly { id: string; name: string; status: SiteStatus; invitedAt: number; joinedAt: number | null; lastSeenAt: number | null }[];
  readonly rounds: readonly RoundView[];
  /** evaluation of the final model (round = rounds + 1), once sites reported it */
  readonly final: RoundEvaluation | null;
  /** DP: epsilon spent so far (absent when DP is off) */
  readonly epsilonSpent?: number;
}

export async function operatorStatus(
  store: FederationStore,
  plan: Plan,
  planHash: string,
  current: RoundStatus,
  notice: string | null,
): Promise<OperatorStatus> {
  const rounds: RoundView[] = [];
  for (const r of await store.rounds()) {
    const evaluations = (await store.evaluations(r.round)).map((e) => ({ siteId: e.siteId, cases: e.cases, dice: e.dice, hd95: e.hd95, receivedAt: e.receivedAt }));
    const updates = (await store.updates(r.round)).map((u) => ({ siteId: u.siteId, sampleCount: u.sampleCount, bytes: u.bytes, codec: u.codec, receivedAt: u.receivedAt, metrics: u.metrics, ...(u.norm !== undefined ? { norm: u.norm } : {}) }));
    rounds.push({
      round: r.round, status: r.status, globalModel: r.globalModel, resultModel: r.resultModel, openedAt: r.openedAt, deadline: r.deadline,
      closedAt: r.closedAt, extensions: r.extensions, updates, evaluations, evaluation: pooledEvaluation(evaluations), summary: r.summary,
    });
  }
  const sites = (await store.sites()).map((s) => ({ id: s.id, name: s.name, status: s.status, invitedAt: s.invitedAt, joinedAt: s.joinedAt, lastSeenAt: s.lastSeenAt }));
  const final = current.finished ? pooledEvaluation(await store.evaluations(plan.rounds + 1)) : null;
  const eps = current.epsilonSpent === undefined ? {} : { epsilonSpent: current.epsilonSpent };
  return { federation: plan.federation, planHash, plan, current, notice, sites, rounds, final, ...eps };
}

/** Case-weighted means of the sites' per-region scores; null when nobody reported. */
export function pooledEvaluation(evals: readonly { cases: number; dice: RegionScores; hd95: RegionScores }[]): RoundEvaluation | null {
  const cases = evals.reduce((s, e) => s + e.cases, 0);
  if (evals.length === 0 || cases === 0) return null;
  const mean = (pick: (e: (typeof evals)[number]) => RegionScores) =>
    Object.fromEntries(REGIONS.map((r) => [r, evals.reduce((s, e) => s + pick(e)[r] * e.cases, 0) / cases])) as RegionScores;
  return { cases, sites: evals.length, dice: mean((e) => e.dice), hd95: mean((e) => e.hd95) };
}
