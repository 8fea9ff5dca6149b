/**
 * One coordinator per data folder. Two coordinators on one folder would each hold their
 * own round in memory (the aggregate, the secure-aggregation session) over one database:
 * a round's record would name the updates of both while its model held those of one. The
 * lock is the file `coordinator.lock`, holding the owner's pid and host, made whole (a
 * temporary file linked into place, which fails when a lock is there); a lock whose
 * process is gone (the coordinator was killed) is moved aside and taken over. Where Linux
 * tells (/proc), the lock also holds the boot id and the process's start time, so that a
 * lock from before a reboot, or whose pid another process now has, is known for stale. The
 * command-line tools that only read or invite (`fedseg status`, `fedseg invite`) do not
 * take it: SQLite orders their writes.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { FedsegError } from '../core/util/errors.ts';
import { createWhole } from './storage/createWhole.ts';

export const LOCK_FILE = 'coordinator.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** /proc/sys/kernel/random/boot_id when the lock was made (Linux) */
  readonly boot?: string;
  /** the owner's start time in clock ticks since boot, /proc/PID/stat field 22 (Linux) */
  readonly start?: string;
}

/** lock files this process holds (a pid of our own in a lock file we do not hold is a previous incarnation's, as after a container restart) */
const held = new Set<string>();

export class DataFolderLock {
  private released = false;

  private constructor(readonly file: string) {}

  /** Takes the folder's lock; FedsegError DATA_FOLDER_IN_USE when a running coordinator holds it. */
  static take(dataDir: string): DataFolderLock {
    const file = resolve(dataDir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (create(file)) {
        held.add(file);
        return new DataFolderLock(file);
      }
      const owner = readOwner(file);
      if (owner && (held.has(file) || isRunning(owner))) throw inUse(dataDir, file, owner);
      // left by a coordinator that is gone: moved aside (only one of two starts can move it),
      // then checked to be the lock just read, not one a racing start made in between
      const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // another start moved it first: try again
      }
      const moved = readOwner(aside);
      // (a lock that cannot be read, before and after, was never a whole one of ours: taken over too)
      if ((moved === null && owner === null) || (moved && owner && moved.pid === owner.pid && moved.since === owner.since)) {
        unlinkSync(aside);
        continue;
      }
      // a fresh lock of a racing start: put it back (unless yet another one is there) and give way
      try {
        linkSync(aside, file);
      } catch {
        // a lock is in place again: that one holds
      }
      unlinkSync(aside);
      throw inUse(dataDir, file, moved ?? owner ?? { pid: 0, host: 'unknown', since: 'unknown' });
    }
    throw new FedsegError('DATA_FOLDER_IN_USE', `${dataDir}: could not take ${LOCK_FILE}: other starts kept taking it; try again`);
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

/** Creates this process's lock, whole; false when one is there. */
function create(file: string): boolean {
  const boot = bootId();
  const start = startTimeOf(process.pid);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(boot ? { boot } : {}), ...(start ? { start } : {}) };
  return createWhole(file, `${JSON.stringify(me)}\n`);
}

function inUse(dataDir: string, file: string, owner: LockOwner): FedsegError {
  const elsewhere = owner.host !== hostname() ? ` If no coordinator runs on ${owner.host} any more (a container that was recreated, say), delete ${file}.` : '';
  return new FedsegError('DATA_FOLDER_IN_USE', `${dataDir}: expected no other coordinator on this data folder, found one running since ${owner.since} (pid ${owner.pid} on ${owner.host}); stop it first, or give another --data.${elsewhere}`);
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
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return false; // made before the machine restarted
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // (EPERM: alive, owned by another user)
  }
  // a process has that pid: the owner, unless it started at another time (the pid was reused)
  const start = startTimeOf(owner.pid);
  return !(owner.start && start && owner.start !== start);
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null; // not Linux
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null where there is none to read. */
export function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // field 2 is the command name in parentheses, which may hold spaces and parentheses itself
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
