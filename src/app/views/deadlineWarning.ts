/**
 * A warning while a site trains, when at its pace the round's update would arrive after
 * the round's deadline: a round that has its minimum of sites by then closes without it,
 * and the update is not used (the coordinator refuses it: ROUND_CLOSED).
 */
import type { RoundStatus, SiteProgress } from '../../worker/workerApi.ts';
import { formatDuration } from '../format.ts';

export function deadlineWarning(p: SiteProgress, r: RoundStatus | null, now: number): string | null {
  if (p.phase !== 'training' || !r || r.finished || r.round !== p.round || r.deadline === null) return null;
  if (p.etaMs === undefined || !Number.isFinite(p.etaMs)) return null;
  const late = now + p.etaMs - r.deadline;
  if (late <= 0) return null;
  return `At this pace training ends about ${formatDuration(late)} after round ${r.round}'s deadline (${new Date(r.deadline).toLocaleTimeString()}). If ${r.minSites} site${r.minSites === 1 ? ' has' : 's have'} sent an update by then, the round closes without this site's, which is then not used. A faster GPU, or a longer round deadline in the plan (stragglers.roundDeadlineSeconds), gives this site the time it needs.`;
}
