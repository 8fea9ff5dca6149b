import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unmaskedFileFor, unmaskRecordFile } from './unmaskRecordFile.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('unmaskRecordFile', () => {
  it('keeps the latest answered round across processes, for the same site and plan only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedseg-unmask-'));
    const file = unmaskedFileFor(join(dir, 'site.key.json'));
    expect(await unmaskRecordFile(file, 'site-a', 'p1').latest()).toBeNull();
    await unmaskRecordFile(file, 'site-a', 'p1').save(3, ['site-a', 'site-b']);
    // a new process reads it back
    expect(await unmaskRecordFile(file, 'site-a', 'p1').latest()).toEqual({ round: 3, survivors: ['site-a', 'site-b'] });
    expect(await unmaskRecordFile(file, 'site-a', 'p2').latest()).toBeNull();
    expect(await unmaskRecordFile(file, 'site-x', 'p1').latest()).toBeNull();
    await unmaskRecordFile(file, 'site-a', 'p1').save(4, ['site-a']);
    expect(await unmaskRecordFile(file, 'site-a', 'p1').latest()).toEqual({ round: 4, survivors: ['site-a'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged file, naming it, rather than forgetting what was answered', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedseg-unmask-'));
    const file = join(dir, 'x.unmasked.json');
    writeFileSync(file, '{"version":1,');
    await expect(unmaskRecordFile(file, 'site-a', 'p1').latest()).rejects.toMatchObject({ code: 'UNMASK_FILE_INVALID', message: expect.stringContaining(`${file}: expected the JSON fedseg wrote`) });
    writeFileSync(file, JSON.stringify({ version: 1, siteId: 'site-a', planHash: 'p1', round: 1, survivors: 'all' }));
    await expect(unmaskRecordFile(file, 'site-a', 'p1').latest()).rejects.toMatchObject({ message: expect.stringContaining('found other fields') });
    expect(readFileSync(file, 'utf8')).toContain('"survivors":"all"');
  });
});
