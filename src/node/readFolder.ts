/**
 * Node adapter: files and folders on disk -> SourceFile[] (names relative to the parent
 * of each argument, so folder names group cases as they do in the page). Hidden files
 * (".DS_Store", "._x") are skipped; unreadable paths become FileProblems.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, dirname, sep } from 'node:path';
import type { FileProblem, SourceFile } from '../io/sourceFile.ts';
import { fileProblem } from '../io/sourceFile.ts';

export interface ReadFolderResult {
  readonly files: SourceFile[];
  readonly problems: FileProblem[];
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function readFolder(paths: readonly string[]): ReadFolderResult {
  const files: SourceFile[] = [];
  const problems: FileProblem[] = [];
  const visit = (path: string, root: string) => {
    const name = relative(root, path).split(sep).join('/') || basename(path);
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      problems.push(fileProblem(name, 'FILE_UNREADABLE', `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`));
      return;
    }
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (err) {
        problems.push(fileProblem(name, 'FILE_UNREADABLE', `${path}: the folder cannot be listed (${(err as NodeJS.ErrnoException).code ?? String(err)})`));
        return;
      }
      for (const e of entries) if (!e.startsWith('.')) visit(join(path, e), root);
    } else if (st.isFile()) {
      try {
        files.push({ name, bytes: toArrayBuffer(readFileSync(path)) });
      } catch (err) {
        problems.push(fileProblem(name, 'FILE_UNREADABLE', `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`));
      }
    }
  };
  for (const p of paths) visit(p, dirname(p.replace(/[\\/]+$/, '')));
  return { files, problems };
}
