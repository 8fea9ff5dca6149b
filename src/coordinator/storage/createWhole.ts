/**
 * Creates a file whole or not at all: its text goes into a temporary file beside it, which
 * is then linked into place. A link fails when the file is there, so two processes cannot
 * both create it, and a crash never leaves it empty or half written.
 */
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** true when this call created `file`; false when it was there already. */
export function createWhole(file: string, text: string, mode = 0o600): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode });
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}
