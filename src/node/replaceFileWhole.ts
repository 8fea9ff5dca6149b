/**
 * Replaces a small file whole: written to `<file>.tmp` (mode `mode`, also when a leftover
 * .tmp had another), flushed to disk, then renamed over the file. A crash leaves the old
 * file or the new one, never a part; readers never see a half-written one.
 */
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function replaceFileWhole(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  const bytes = Buffer.from(text, 'utf8');
  const fd = openSync(tmp, 'w', mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
