/**
 * What the operator's view of a federation says at a glance, worked out once for both
 * readers of it (`fedseg status` and the page's operator dashboard): how long ago a site
 * was seen, whom the current round waits for, each round's range of update norms, the
 * largest norms by site, and the federated evaluation per round.
 */
import type { RegionScores } from '../types/labels.ts';
import type { OperatorStatus, RoundEvaluation, RoundView } from './operatorStatusSchema.ts';
import { isWaitedFor } from './isWaitedFor.ts';

export type OperatorSite = OperatorStatus['sites'][number];

/** How long ago `at` was, in the largest whole unit: "40 s ago", "12 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function ago(at: number | null, now: number): string {
  if (at === null) return 'never';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/**
 * The active sites the current round has no update from yet, less those that stopped
 * taking part (the round does not wait for them). Undefined when that is not known or
 * nobody is waited for: under secure aggregation (its masked inputs are recorded only once
 * unmasked, so the updates do not say who sent one), while the round aggregates, and once
 * the federation finished.
 */
export function waitingSites(s: OperatorStatus): OperatorSite[] | undefined {
  const c = s.current;
  if (c.finished || c.state === 'aggregating' || s.plan.privacy.secureAggregation.enabled) return undefined;
  const reported = reportedIn(s, c.round);
  return s.sites.filter((x) => isWaitedFor(x) && !reported.has(x.id));
}

/** the sites with an update recorded for `round` */
export function reportedIn(s: OperatorStatus, round: number): Set<string> {
  return new Set(s.rounds.find((r) => r.round === round)?.updates.map((u) => u.siteId) ?? []);
}

/** The smallest and largest update norm of a round; undefined when none is known (secure aggregation). */
export function normRange(updates: RoundView['updates']): { readonly lo: number; readonly hi: number } | undefined {
  const norms = updates.flatMap((u) => (u.norm !== undefined ? [u.norm] : []));
  return norms.length === 0 ? undefined : { lo: Math.min(...norms), hi: Math.max(...norms) };
}

/** The last round with known norms, its updates by norm, largest first: where a scaled update shows. */
export function largestNorms(s: OperatorStatus): { readonly round: number; readonly bySite: readonly { readonly siteId: string; readonly norm: number }[] } | undefined {
  const last = [...s.rounds].reverse().find((r) => r.updates.some((u) => u.norm !== undefined));
  if (!last) return undefined;
  const bySite = last.updates.flatMap((u) => (u.norm !== undefined ? [{ siteId: u.siteId, norm: u.norm }] : [])).sort((a, b) => b.norm - a.norm);
  return { round: last.round, bySite };
}

export interface EvaluationPoint {
  /** the round whose starting model was evaluated; plan.rounds + 1 for the final model */
  readonly round: number;
  readonly dice: RegionScores;
  readonly hd95: RegionScores;
  readonly cases: number;
  readonly sites: number;
}

/** The federated evaluation of each round's starting model that sites reported, then the final model's, in round order. */
export function evaluationSeries(s: OperatorStatus): EvaluationPoint[] {
  const point = (round: number, e: RoundEvaluation): EvaluationPoint => ({ round, dice: e.dice, hd95: e.hd95, cases: e.cases, sites: e.sites });
  const points = s.rounds.flatMap((r) => (r.evaluation ? [point(r.round, r.evaluation)] : []));
  if (s.final) points.push(point(s.plan.rounds + 1, s.final));
  return points.sort((a, b) => a.round - b.round);
}

/** What one site sent in one round, for the operator's table of a round by site. */
export interface SiteRoundRow {
  readonly siteId: string;
  readonly name: string;
  readonly update?: { readonly sampleCount: number; readonly norm?: number; readonly meanLoss?: number; readonly durationMs?: number };
  readonly evaluation?: { readonly cases: number; readonly dice: RegionScores };
}

/**
 * The last round with anything from a site (an update or an evaluation), by site: the
 * sites that sent something, in the sites' order. Where one site stands apart (a large
 * norm, a low Dice, a slow round) shows here. Undefined before any round has reports.
 */
export function lastRoundBySite(s: OperatorStatus): { readonly round: number; readonly rows: readonly SiteRoundRow[] } | undefined {
  const r = [...s.rounds].sort((a, b) => b.round - a.round).find((x) => x.updates.length > 0 || x.evaluations.length > 0);
  if (!r) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const rows = s.sites.flatMap((site): SiteRoundRow[] => {
    const u = r.updates.find((x) => x.siteId === site.id);
    const e = r.evaluations.find((x) => x.siteId === site.id);
    if (!u && !e) return [];
    const meanLoss = num(u?.metrics.meanLoss);
    const durationMs = num(u?.metrics.durationMs);
    return [{
      siteId: site.id, name: site.name,
      ...(u ? { update: { sampleCount: u.sampleCount, ...(u.norm !== undefined ? { norm: u.norm } : {}), ...(meanLoss !== undefined ? { meanLoss } : {}), ...(durationMs !== undefined ? { durationMs } : {}) } } : {}),
      ...(e ? { evaluation: { cases: e.cases, dice: e.dice } } : {}),
    }];
  });
  return { round: r.round, rows };
}
