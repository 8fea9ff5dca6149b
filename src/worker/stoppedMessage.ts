/**
 * What the Train view says when Stop ended a participation: in which round, and whether
 * that round's update had left the site, so that its people know what was sent.
 */
import type { SiteProgress } from './workerApi.ts';

export function stoppedMessage(before: SiteProgress): string {
  const r = before.round;
  switch (before.phase) {
    case 'preparing':
      return 'Stopped while the cases were prepared: nothing was sent.';
    case 'loading':
    case 'validating':
    case 'training':
      return `Stopped in round ${r} (${before.phase}): this round's update was not sent. This site no longer takes part.`;
    case 'uploading':
      return `Stopped in round ${r} while its update was being sent: the coordinator may or may not have it (the Privacy ledger shows the request). This site no longer takes part.`;
    case 'waiting':
      return `Stopped after round ${r}'s update was sent. This site no longer takes part.`;
    default:
      return 'Stopped: this site no longer takes part.';
  }
}
