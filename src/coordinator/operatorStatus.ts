/**
 * The operator's view of the federation (GET /api/v1/status, `fedseg status`), built
 * from the store: its shape is OperatorStatusSchema (src/core/protocol), the federated
 * evaluation per round the means of the sites' scores weighted by their validation cases.
 */
import type { Plan } from '../core/protocol/plan.ts';
import type { RoundStatus } from '../core/protocol/messages.ts';
import { REGIONS, type RegionScores } from '../core/types/labels.ts';
import type { OperatorStatus, RoundEvaluation, RoundView } from '../core/protocol/operatorStatusSchema.ts';
import type { FederationStore } from './storage/federationStore.ts';

export type { OperatorStatus, RoundEvaluation, RoundView } from '../core/protocol/operatorStatusSchema.ts';

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
  // a site is revoked once (revokeSite): its audit entry says when
  const revokedAt = new Map((await store.auditLog({ action: 'revoked', limit: Number.MAX_SAFE_INTEGER })).map((e) => [e.siteId, e.at]));
  const sites = (await store.sites()).map((s) => ({
    id: s.id, name: s.name, status: s.status, invitedAt: s.invitedAt, joinedAt: s.joinedAt, lastSeenAt: s.lastSeenAt, pausedAt: s.pausedAt,
    revokedAt: s.status === 'revoked' ? (revokedAt.get(s.id) ?? null) : null,
  }));
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
