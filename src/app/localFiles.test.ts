import { describe, expect, it } from 'vitest';
import { collectFiles, droppedEntry, handleEntry, type EntryLike } from './localFiles.ts';

const file = (name: string): EntryLike => ({ kind: 'file', name, file: async () => new File([name], name) });
const broken = (name: string): EntryLike => ({
  kind: 'file',
  name,
  file: () => Promise.reject(new DOMException('A requested file or directory could not be found', 'NotFoundError')),
});
const folder = (name: string, children: EntryLike[], failAfter?: number): EntryLike => ({
  kind: 'directory',
  name,
  async *children() {
    for (const [i, c] of children.entries()) {
      if (i === failAfter) throw new DOMException('The folder is locked', 'NotReadableError');
      yield c;
    }
  },
});

describe('collectFiles', () => {
  it('gives every file with its path; an entry that cannot be opened is a FILE_UNREADABLE problem, the rest still read', async () => {
    const tree = folder('site', [file('a.nii'), broken('link.nii'), folder('caseB', [broken('gone.dcm'), file('b.dcm')]), file('z.nii')]);
    const { files, problems } = await collectFiles([tree]);
    expect(files.map((f) => f.path)).toEqual(['site/a.nii', 'site/caseB/b.dcm', 'site/z.nii']);
    expect(await files[1]!.file.text()).toBe('b.dcm');
    expect(problems).toEqual([
      { file: 'site/link.nii', code: 'FILE_UNREADABLE', message: 'site/link.nii: expected a readable file, found one the browser could not open (A requested file or directory could not be found)' },
      { file: 'site/caseB/gone.dcm', code: 'FILE_UNREADABLE', message: expect.stringMatching(/^site\/caseB\/gone\.dcm: expected a readable file/) },
    ]);
  });

  it('keeps what a folder listed before its listing failed, and reports the folder', async () => {
    const { files, problems } = await collectFiles([folder('site', [file('a.nii'), file('b.nii'), file('c.nii')], 2), file('loose.nii')]);
    expect(files.map((f) => f.path)).toEqual(['site/a.nii', 'site/b.nii', 'loose.nii']);
    expect(problems.map((p) => [p.file, p.code])).toEqual([['site', 'FILE_UNREADABLE']]);
    expect(problems[0]!.message).toBe('site: expected a readable folder, found one the browser could not list (The folder is locked)');
  });
});

describe('the browser entries as EntryLike', () => {
  it('a File System Access handle whose getFile rejects is one problem', async () => {
    const dir = {
      kind: 'directory' as const,
      name: 'picked',
      async *values() {
        yield { kind: 'file' as const, name: 'ok.nii', getFile: async () => new File(['x'], 'ok.nii') };
        yield { kind: 'file' as const, name: 'bad.nii', getFile: () => Promise.reject(new DOMException('locked', 'NotReadableError')) };
      },
    };
    const { files, problems } = await collectFiles([handleEntry(dir)]);
    expect(files.map((f) => f.path)).toEqual(['picked/ok.nii']);
    expect(problems.map((p) => p.file)).toEqual(['picked/bad.nii']);
  });

  it('a dropped entry whose file() calls its error callback is one problem; folders are read batch by batch', async () => {
    const fileEntry = (name: string, fails = false) => ({
      isFile: true,
      isDirectory: false,
      name,
      file: (ok: (f: File) => void, err: (e: DOMException) => void) => (fails ? err(new DOMException('gone', 'NotFoundError')) : ok(new File([name], name))),
    });
    const batches = [[fileEntry('a.nii'), fileEntry('broken.nii', true)], [fileEntry('c.nii')], []];
    const dirEntry = {
      isFile: false,
      isDirectory: true,
      name: 'dropped',
      createReader: () => ({ readEntries: (ok: (b: unknown[]) => void) => ok(batches.shift() ?? []) }),
    };
    const { files, problems } = await collectFiles([droppedEntry(dirEntry as unknown as FileSystemEntry)]);
    expect(files.map((f) => f.path)).toEqual(['dropped/a.nii', 'dropped/c.nii']);
    expect(problems.map((p) => [p.file, p.message])).toEqual([['dropped/broken.nii', 'dropped/broken.nii: expected a readable file, found one the browser could not open (gone)']]);
  });
});
