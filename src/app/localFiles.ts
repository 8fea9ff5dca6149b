/**
 * Turns what the user picked (a directory handle, a webkitdirectory input, dropped
 * items) into LocalFile records: File objects with their path inside the chosen folder.
 * The bytes are read later, in the Worker. An entry that cannot be opened (a broken
 * symbolic link, a locked or vanished file, a folder that cannot be listed) becomes a
 * FILE_UNREADABLE problem, as the Worker reports files it cannot read, and the rest is
 * still picked.
 */
import { fileProblem, type FileProblem } from '../io/sourceFile.ts';
import type { LocalFile } from '../worker/workerApi.ts';

/** Files of an <input type=file> (webkitdirectory gives each its relative path); the browser opened them all. */
export function filesFromInput(list: FileList): PickedFiles {
  return { files: [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file })), problems: [] };
}

/** A file or folder as both browser APIs can be seen: its name, then its File or its children. */
export type EntryLike =
  | { readonly kind: 'file'; readonly name: string; file(): Promise<File> }
  | { readonly kind: 'directory'; readonly name: string; children(): AsyncIterable<EntryLike> };

export interface PickedFiles {
  readonly files: LocalFile[];
  /** entries that could not be opened, one FILE_UNREADABLE problem each */
  readonly problems: FileProblem[];
}

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Every file under `entries` (paths start with `prefix`), in order; an entry that fails is a problem, not a failure. */
export async function collectFiles(entries: Iterable<EntryLike> | AsyncIterable<EntryLike>, prefix = ''): Promise<PickedFiles> {
  const files: LocalFile[] = [];
  const problems: FileProblem[] = [];
  const walk = async (entry: EntryLike, path: string): Promise<void> => {
    if (entry.kind === 'file') {
      try {
        files.push({ path, file: await entry.file() });
      } catch (e) {
        problems.push(fileProblem(path, 'FILE_UNREADABLE', `${path}: expected a readable file, found one the browser could not open (${why(e)})`));
      }
      return;
    }
    try {
      // the children read before a listing fails are kept
      for await (const child of entry.children()) await walk(child, `${path}/${child.name}`);
    } catch (e) {
      problems.push(fileProblem(path, 'FILE_UNREADABLE', `${path}: expected a readable folder, found one the browser could not list (${why(e)})`));
    }
  };
  for await (const entry of entries) await walk(entry, prefix + entry.name);
  return { files, problems };
}

interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

/** A File System Access handle as an EntryLike. */
export function handleEntry(handle: DirectoryHandleLike | FileHandleLike): EntryLike {
  if (handle.kind === 'file') return { kind: 'file', name: handle.name, file: () => handle.getFile() };
  return {
    kind: 'directory',
    name: handle.name,
    async *children() {
      for await (const child of handle.values()) yield handleEntry(child);
    },
  };
}

/** The File System Access directory picker, where the browser has it. */
export function directoryPickerAvailable(): boolean {
  return typeof (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

export async function filesFromDirectoryPicker(): Promise<PickedFiles | null> {
  const picker = (window as unknown as { showDirectoryPicker: (o: object) => Promise<DirectoryHandleLike> }).showDirectoryPicker;
  let dir: DirectoryHandleLike;
  try {
    dir = await picker({ mode: 'read' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null; // the user cancelled
    throw e;
  }
  return collectFiles([handleEntry(dir)]);
}

/** A dropped entry (the entries API, callback-style) as an EntryLike. */
export function droppedEntry(entry: FileSystemEntry): EntryLike {
  if (entry.isFile) {
    return { kind: 'file', name: entry.name, file: () => new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) };
  }
  return {
    kind: 'directory',
    name: entry.name,
    async *children() {
      if (!entry.isDirectory) return;
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries gives the entries in batches, an empty batch at the end
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) return;
        for (const child of batch) yield droppedEntry(child);
      }
    },
  };
}

/** Dropped files and folders (folders through the entries API). */
export async function filesFromDrop(items: DataTransferItemList): Promise<PickedFiles> {
  const entries = [...items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  return collectFiles(entries.map(droppedEntry));
}
