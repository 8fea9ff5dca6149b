/**
 * What the readers take and what they give back when a file cannot be used.
 * A SourceFile is a name (a relative path such as "caseA/BraTS19_x_t1.nii.gz") and its
 * bytes, in hand; a StoredFile is a name and a way to read its bytes when they are needed:
 * the page makes them from File objects, Node from node:fs. Readers never see File or fs.
 */
import { FedsegError } from '../core/util/errors.ts';

export interface SourceFile {
  /** relative path with '/' separators; folders group files into cases */
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

/**
 * A file left where it is (on disk, behind a browser File) and read when needed, once
 * when its folder is read and again when its case is loaded: a site's folder is never
 * held in memory whole (a DICOM study of four series is some 70 MB of files).
 */
export interface StoredFile {
  readonly name: string;
  /** bytes, as the file system says (the summary's total; no read needed) */
  readonly size: number;
  /** its bytes; rejects when the file is gone, locked or changed (the caller names it) */
  read(): Promise<ArrayBuffer>;
}

/** Bytes in hand as a StoredFile (tests, and files made in memory). */
export function storedInMemory(file: SourceFile): StoredFile {
  return { name: file.name, size: file.bytes.byteLength, read: () => Promise.resolve(file.bytes) };
}

/**
 * A StoredFile's bytes read again for a case (the folder was read before): a file that
 * can no longer be read (FILE_UNREADABLE), or that is no longer as large as it was
 * (FILE_CHANGED), fails with which file and what to do.
 */
export async function readAgain(file: StoredFile, what: string): Promise<ArrayBuffer> {
  let bytes: ArrayBuffer;
  try {
    bytes = await file.read();
  } catch (e) {
    throw new FedsegError('FILE_UNREADABLE', `${file.name}: expected to read it again for ${what}, found that it can no longer be read (${e instanceof Error ? e.message : String(e)}); it was moved, changed or removed since the folder was chosen: choose the folder again`);
  }
  if (bytes.byteLength !== file.size) throw fileChanged(file.name, what, `${bytes.byteLength} bytes, not the ${file.size} it had`);
  return bytes;
}

/** A file read again for `what` that no longer holds what was read with its folder (`found`: how it differs). */
export function fileChanged(name: string, what: string, found: string): FedsegError {
  return new FedsegError('FILE_CHANGED', `${name}: expected the file read when the folder was chosen (for ${what}), found ${found}; it was changed since: choose the folder again`);
}

/**
 * One file (or series) that could not be used, in words a clinician understands:
 * which file, what was expected, what was found. `code` is stable for tests and the page.
 */
export interface FileProblem {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

export function fileProblem(file: string, code: string, message: string): FileProblem {
  return { file, code, message };
}

/**
 * A problem's message without the file's name in front (the message names its file, for
 * where it stands alone; beside the file's name it would say it twice).
 */
export function problemDetail(p: { readonly file: string; readonly message: string }): string {
  for (const prefix of [`${p.file}: `, `${baseName(p.file)}: `]) if (p.message.startsWith(prefix)) return p.message.slice(prefix.length);
  return p.message;
}

/** The last path component of a SourceFile name. */
export function baseName(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

/** The folder part of a SourceFile name ('' when none). */
export function folderName(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/**
 * A file's bytes for a reader that reads each file once: a StoredFile that cannot be
 * read (vanished, locked, on a share that went away) is a FILE_UNREADABLE problem, and the
 * other files are still read.
 */
export async function readStored(file: SourceFile | StoredFile): Promise<{ file: SourceFile; stored: StoredFile } | { problem: FileProblem }> {
  if (!('read' in file)) return { file, stored: storedInMemory(file) };
  try {
    return { file: { name: file.name, bytes: await file.read() }, stored: file };
  } catch (e) {
    return { problem: fileProblem(file.name, 'FILE_UNREADABLE', `${file.name}: expected a readable file, found one that could not be read (${e instanceof Error ? e.message : String(e)})`) };
  }
}
