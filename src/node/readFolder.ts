/**
 * Node adapter: files and folders on disk -> StoredFile[] (names relative to the parent
 * of each argument, so folder names group cases as they do in the page), read from disk
 * when a reader asks, so a site's folder is never in memory whole. Hidden files
 * (".DS_Store", "._x") are skipped; unreadable paths become FileProblems. Symbolic links
 * are followed, but a folder is read once: a link to a folder already read (a loop such
 * as `ln -s .. caseA/loop`, or a second way to the same folder) becomes a FOLDER_REPEATED
 * problem instead of being read again.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, dirname, sep } from 'node:path';
import type { FileProblem, StoredFile } from '../io/sourceFile.ts';
import { fileProblem } from '../io/sourceFile.ts';

export interface ReadFolderResult {
  readonly files: StoredFile[];
  readonly problems: FileProblem[];
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function readFolder(paths: readonly string[]): ReadFolderResult {
  const files: StoredFile[] = [];
  const problems: FileProblem[] = [];
  // folders read so far, by device and inode (what a link resolves to), with the name read
  const seen = new Map<string, string>();
  const visit = (path: string, root: string) => {
    const name = relative(root, path).split(sep).join('/') || basename(path);
    let st;
    try {
      st = statSync(path, { bigint: true });
    } catch (err) {
      problems.push(fileProblem(name, 'FILE_UNREADABLE', `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`));
      return;
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      const first = seen.get(id);
      if (first !== undefined) {
        problems.push(fileProblem(name, 'FOLDER_REPEATED', `${path}: expected a folder not read yet, found the folder ${first} again (through a symbolic link, or given twice); skipped so that its files are read once`));
        return;
      }
      seen.set(id, name);
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (err) {
        problems.push(fileProblem(name, 'FILE_UNREADABLE', `${path}: the folder cannot be listed (${(err as NodeJS.ErrnoException).code ?? String(err)})`));
        return;
      }
      for (const e of entries) if (!e.startsWith('.')) visit(join(path, e), root);
    } else if (st.isFile()) {
      // a file that cannot be read is named by the reader that reads it (FILE_UNREADABLE)
      files.push({ name, size: Number(st.size), read: async () => toArrayBuffer(await readFile(path)) });
    }
  };
  for (const p of paths) visit(p, dirname(p.replace(/[\\/]+$/, '')));
  return { files, problems };
}
