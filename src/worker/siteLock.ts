/**
 * One tab at a time takes part as a site: two tabs of one browser share the site's key
 * and checkpoint, and both training for it would halve each one's speed, overwrite each
 * other's checkpoint and send a second, conflicting update. A Web Lock per coordinator,
 * held while the site takes part, refuses the second tab at once; the browser frees the
 * lock when the tab that held it closes or crashes.
 */
import { FedsegError } from '../core/util/errors.ts';

interface LocksLike {
  request<T>(name: string, options: { ifAvailable: boolean }, work: (lock: unknown) => Promise<T>): Promise<T>;
}

export function siteLockName(baseUrl: string): string {
  return `fedseg-site:${baseUrl}`;
}

/** Runs `work` holding this site's lock; SITE_BUSY_ELSEWHERE when another tab holds it. Without Web Locks (Node) it just runs. */
export async function withSiteLock<T>(baseUrl: string, work: () => Promise<T>, locks: LocksLike | undefined = browserLocks()): Promise<T> {
  if (!locks) return work();
  return locks.request(siteLockName(baseUrl), { ifAvailable: true }, async (lock) => {
    if (!lock) {
      throw new FedsegError('SITE_BUSY_ELSEWHERE', `this site already takes part in another tab or window of this browser (for ${baseUrl}): use that one, or stop it there first`);
    }
    return work();
  });
}

function browserLocks(): LocksLike | undefined {
  return (globalThis as { navigator?: { locks?: LocksLike } }).navigator?.locks;
}
