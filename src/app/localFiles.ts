/**
 * Turns what the user picked (a directory handle, a webkitdirectory input, dropped
 * items) into LocalFile records: File objects with their path inside the chosen folder.
 * The bytes are read later, in the Worker.
 */
import type { LocalFile } from '../worker/workerApi.ts';

/** Files of an <input type=file> (webkitdirectory gives each its relative path). */
export function filesFromInput(list: FileList): LocalFile[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
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

/** The File System Access directory picker, where the browser has it. */
export function directoryPickerAvailable(): boolean {
  return typeof (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

export async function filesFromDirectoryPicker(): Promise<LocalFile[] | null> {
  const picker = (window as unknown as { showDirectoryPicker: (o: object) => Promise<DirectoryHandleLike> }).showDirectoryPicker;
  let dir: DirectoryHandleLike;
  try {
    dir = await picker({ mode: 'read' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null; // the user cancelled
    throw e;
  }
  const out: LocalFile[] = [];
  const walk = async (d: DirectoryHandleLike, prefix: string): Promise<void> => {
    for await (const entry of d.values()) {
      const path = prefix + entry.name;
      if (entry.kind === 'directory') await walk(entry, path + '/');
      else out.push({ path, file: await entry.getFile() });
    }
  };
  await walk(dir, dir.name + '/');
  return out;
}

/** Dropped files and folders (folders through the entries API). */
export async function filesFromDrop(items: DataTransferItemList): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const entries = [...items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const readAll = (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> =>
    new Promise((resolve, reject) => {
      const acc: FileSystemEntry[] = [];
      const next = (): void => reader.readEntries((batch) => (batch.length ? (acc.push(...batch), next()) : resolve(acc)), reject);
      next();
    });
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, prefix + entry.name + '/');
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
