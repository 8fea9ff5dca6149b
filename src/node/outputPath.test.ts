import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outputPath } from './outputPath.ts';

describe('outputPath', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) {
      chmodSync(d, 0o700);
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('makes a missing folder, and refuses one that cannot be made, naming the option', () => {
    const root = mkdtempSync(join(tmpdir(), 'fedseg-out-'));
    dirs.push(root);
    const file = join(root, 'new', 'deeper', 'model.json');
    expect(outputPath(file, '--out')).toBe(file);
    expect(existsSync(join(root, 'new', 'deeper'))).toBe(true);
    writeFileSync(join(root, 'a-file'), 'x');
    expect(() => outputPath(join(root, 'a-file', 'model.json'), '--out')).toThrow(
      expect.objectContaining({ code: 'OUTPUT_UNWRITABLE', message: expect.stringMatching(/^--out .*a-file\/model\.json: expected a folder this user can write to, found .* cannot be made/) }),
    );
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder this user cannot write', () => {
    const root = mkdtempSync(join(tmpdir(), 'fedseg-out-'));
    dirs.push(root);
    chmodSync(root, 0o500);
    expect(() => outputPath(join(root, 'curves.svg'), '--plot')).toThrow(/^--plot .*curves\.svg: expected a folder this user can write to, found .* cannot be written/);
  });
});
