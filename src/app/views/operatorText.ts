/**
 * The operator dashboard's sentences: where the round stands, what protects the updates,
 * and what the current round has of each site.
 */
import type { OperatorStatus } from '../../core/protocol/operatorStatusSchema.ts';
import { ago, reportedIn } from '../../core/protocol/operatorSummary.ts';
import { formatDuration } from '../format.ts';
import { plural } from '../../core/util/plural.ts';

/** "Round 2 of 10: collecting updates; 1 of 3 sites taking part sent an update (at least 2 needed), deadline in 4 min 30 s." */
export function roundSummary(s: OperatorStatus, now: number): string {
  const c = s.current;
  if (c.finished) return `Finished: all ${c.rounds} rounds closed. The final model is ${c.globalModelHash.slice(0, 12)}… (fedseg export-model writes it to a file).`;
  const what = { open: 'open, no update yet', collecting: 'collecting updates', aggregating: 'aggregating the updates', closed: 'closed' }[c.state];
  const deadline = c.deadline === null ? '' : c.deadline >= now ? `, deadline in ${formatDuration(c.deadline - now)}` : `, deadline passed ${ago(c.deadline, now)}`;
  return `Round ${c.round} of ${c.rounds}: ${what}; ${c.reportedSites} of ${plural(c.expectedSites, 'site')} taking part sent an update (at least ${c.minSites} needed)${deadline}.`;
}

/** What protects the updates, in the plan's words. */
export function protectionLine(s: OperatorStatus): string {
  const p = s.plan;
  const parts = [
    `Aggregation ${p.aggregation.strategy}${p.aggregation.robust.rule === 'none' ? '' : `, robust rule ${p.aggregation.robust.rule}`}`,
    `updates sent as ${p.codec.name}`,
    p.privacy.secureAggregation.enabled ? 'secure aggregation on (the coordinator sees only the sum of the updates)' : 'secure aggregation off',
    s.epsilonSpent !== undefined
      ? `differential privacy: ε spent ${s.epsilonSpent.toFixed(2)} of ${p.privacy.dp.epsilon} (δ ${p.privacy.dp.delta}) over the ${p.rounds} planned rounds`
      : 'differential privacy off',
  ];
  return parts.join('; ') + '.';
}

/** what the current round has of a site: its update, or that it is waited for */
export function siteThisRound(s: OperatorStatus, site: OperatorStatus['sites'][number]): string {
  if (site.status !== 'active') return '–';
  if (s.current.finished) return 'finished';
  const sent = !s.plan.privacy.secureAggregation.enabled && reportedIn(s, s.current.round).has(site.id);
  if (site.pausedAt !== null) return sent ? 'update received; then stopped taking part' : 'stopped taking part: not waited for';
  if (s.plan.privacy.secureAggregation.enabled) return 'not known (secure aggregation)';
  return sent ? 'update received' : 'waited for';
}
