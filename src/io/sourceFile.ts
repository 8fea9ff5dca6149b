/**
 * What the readers take and what they give back when a file cannot be used.
 * A SourceFile is a name (a relative path such as "caseA/BraTS19_x_t1.nii.gz") and its
 * bytes: the page makes them from File objects, Node from node:fs. Readers never see
 * File or fs.
 */
export interface SourceFile {
  /** relative path with '/' separators; folders group files into cases */
  readonly name: string;
  readonly bytes: ArrayBuffer;
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
