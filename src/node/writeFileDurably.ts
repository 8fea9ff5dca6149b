/**
 * Writes bytes to a new file (created with `mode`) and flushes them to disk before it
 * returns: the first half of a crash-safe write, whose caller then renames the file into
 * place (replaceFileWhole, the coordinator's blob store).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

export function writeFileDurably(path: string, bytes: Uint8Array, mode = 0o600): void {
  const fd = openSync(path, 'w', mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
