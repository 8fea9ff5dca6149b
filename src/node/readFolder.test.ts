import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from './readFolder.ts';

describe('readFolder with symbolic links', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fedseg-readFolder-'));
    const caseA = join(root, 'site', 'caseA');
    mkdirSync(caseA, { recursive: true });
    writeFileSync(join(caseA, 't1.nii'), 'one');
    writeFileSync(join(root, 'elsewhere.nii'), 'two');
    mkdirSync(join(root, 'plain'));
    writeFileSync(join(root, 'plain', 'flair.nii'), 'three');
    // one loop in caseA; two in caseB (each level of the walk doubling, till ELOOP); a linked
    // file; a broken link
    symlinkSync('..', join(caseA, 'loop'));
    const caseB = join(root, 'site', 'caseB');
    mkdirSync(caseB);
    symlinkSync('..', join(caseB, 'up1'));
    symlinkSync('.', join(caseB, 'here'));
    symlinkSync(join(root, 'elsewhere.nii'), join(caseB, 't2.nii'));
    symlinkSync(join(root, 'gone.nii'), join(caseB, 'broken.nii'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads every folder once, reports the links back as FOLDER_REPEATED, and reads linked files', async () => {
    const { files, problems } = readFolder([join(root, 'site')]);
    expect(files.map((f) => f.name)).toEqual(['site/caseA/t1.nii', 'site/caseB/t2.nii']);
    expect(new TextDecoder().decode(await files[1]!.read())).toBe('two');
    expect(files[1]!.size).toBe(3);
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p]));
    expect(Object.keys(byFile).sort()).toEqual(['site/caseA/loop', 'site/caseB/broken.nii', 'site/caseB/here', 'site/caseB/up1']);
    expect(byFile['site/caseA/loop']!.code).toBe('FOLDER_REPEATED');
    expect(byFile['site/caseA/loop']!.message).toMatch(/caseA[\\/]loop: expected a folder not read yet, found the folder site again/);
    expect(byFile['site/caseB/up1']!.code).toBe('FOLDER_REPEATED');
    expect(byFile['site/caseB/here']!.message).toMatch(/found the folder site\/caseB again/);
    expect(byFile['site/caseB/broken.nii']!.code).toBe('FILE_UNREADABLE');
  });

  it('counts the folder given as read: a link up from it reads the parent once, then stops', () => {
    const { files, problems } = readFolder([join(root, 'site', 'caseB')]);
    expect(files.map((f) => f.name)).toEqual(['caseB/t2.nii', 'caseB/up1/caseA/t1.nii']);
    expect(problems.filter((p) => p.code === 'FOLDER_REPEATED').map((p) => p.file)).toEqual(['caseB/here', 'caseB/up1/caseA/loop', 'caseB/up1/caseB']);
  });

  it('reads a folder named twice once', () => {
    const { files, problems } = readFolder([join(root, 'plain'), join(root, 'plain')]);
    expect(files.map((f) => f.name)).toEqual(['plain/flair.nii']);
    expect(problems.map((p) => [p.file, p.code])).toEqual([['plain', 'FOLDER_REPEATED']]);
  });
});
