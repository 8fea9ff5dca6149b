/**
 * One coordinator per data folder. Two coordinators on one folder would each hold their
 * own round in memory (the aggregate, the secure-aggregation session) over one database:
 * a round's record would name the updates of both while its model held those of one. The
 * lock is the file `coordinator.lock`, created exclusively, holding the owner's pid and
 * host; a lock whose process is gone (the coordinator was killed) is taken over. The
 * command-line tools that only read or invite (`fedseg status`, `fedseg invite`) do not
 * take it: SQLite orders their writes.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { FedsegError } from '../core/util/errors.ts';

export const LOCK_FILE = 'coordinator.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** lock files this process holds (a pid of our own in a lock file we do not hold is a previous incarnation's, as after a container restart) */
const held = new Set<string>();

export class DataFolderLock {
  private released = false;

  private constructor(readonly file: string) {}

  /** Takes the folder's lock; FedsegError DATA_FOLDER_IN_USE when a running coordinator holds it. */
  static take(dataDir: string): DataFolderLock {
    const file = join(dataDir, LOCK_FILE);
    const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o600 });
        held.add(file);
        return new DataFolderLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(file);
      if (owner && (held.has(file) || isRunning(owner))) {
        const elsewhere = owner.host !== hostname() ? ` If no coordinator runs on ${owner.host} any more, delete ${file}.` : '';
        throw new FedsegError('DATA_FOLDER_IN_USE', `${dataDir}: expected no other coordinator on this data folder, found one running since ${owner.since} (pid ${owner.pid} on ${owner.host}); stop it first, or give another --data.${elsewhere}`);
      }
      // left by a coordinator that is gone (or unreadable): take it over
      unlinkSync(file);
    }
    throw new FedsegError('DATA_FOLDER_IN_USE', `${dataDir}: another process took ${LOCK_FILE} while this one was taking over a stale lock`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.file);
    try {
      unlinkSync(this.file);
    } catch {
      // already gone: nothing to release
    }
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'string' ? (o as LockOwner) : null;
  } catch {
    return null;
  }
}

/** Whether the lock's owner still runs; a lock of another host is taken as held (its process cannot be checked from here). */
function isRunning(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false; // not held by this process (checked before): a previous incarnation's
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
