/**
 * Replaces a small file whole: written to `<file>.tmp` (mode `mode`, also when a leftover
 * .tmp had another), flushed to disk, then renamed over the file. A crash leaves the old
 * file or the new one, never a part; readers never see a half-written one.
 */
import { chmodSync, renameSync } from 'node:fs';
import { writeFileDurably } from './writeFileDurably.ts';

export function replaceFileWhole(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  writeFileDurably(tmp, Buffer.from(text, 'utf8'), mode);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
