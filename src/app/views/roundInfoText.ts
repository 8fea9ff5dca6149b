/**
 * The Train view's line on the federation's round: where it stands, and its deadline as a
 * time of day and how long until it (or since it passed), by this computer's clock.
 */
import type { RoundStatus } from '../../worker/workerApi.ts';
import { formatDuration } from '../format.ts';
import { plural } from '../../core/util/plural.ts';

export function roundInfoText(r: RoundStatus | null, now: number): string {
  if (!r) return 'Round: not known yet.';
  const privacy = r.epsilonSpent === undefined ? '' : ` Differential privacy budget spent so far: ε = ${r.epsilonSpent.toFixed(2)}.`;
  if (r.finished) return `The federation finished its ${r.rounds === 1 ? 'round' : `${r.rounds} rounds`}.${privacy}`;
  const at = r.deadline === null ? '' : new Date(r.deadline).toLocaleTimeString();
  const deadline = r.deadline === null ? '' : r.deadline >= now ? `; deadline ${at} (in ${formatDuration(r.deadline - now)})` : `; deadline ${at} (passed ${formatDuration(now - r.deadline)} ago)`;
  return `Round ${r.round} of ${r.rounds}: ${r.state}; ${r.reportedSites} of ${plural(r.expectedSites, 'site')} reported (at least ${r.minSites} needed)${deadline}.${privacy}`;
}
