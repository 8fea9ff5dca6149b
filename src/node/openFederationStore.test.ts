import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../coordinator/startCoordinator.ts';
import { SqliteStore } from '../coordinator/storage/sqliteStore.ts';
import { tempDir } from '../coordinator/testing/testFederation.ts';
import { openFederationStore } from './openFederationStore.ts';

/** the files this process holds open under `dir` (Linux: /proc/self/fd) */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return []; // closed meanwhile (the fd readdir itself used)
    }
  });
}

describe('openFederationStore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('fedseg-open-store-')));
  afterEach(() => dir.remove());

  it('refuses a folder without a database, and creates none there', async () => {
    await expect(openFederationStore(dir.path)).rejects.toMatchObject({
      code: 'NO_FEDERATION', message: `--data ${dir.path}: expected the data folder of a coordinator (with federation.sqlite), found none; give the --data the coordinator was started with`,
    });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses a database that holds no federation, and closes it', async () => {
    await new SqliteStore(dataPaths(dir.path).db).close();
    await expect(openFederationStore(dir.path)).rejects.toMatchObject({ code: 'NO_FEDERATION', message: expect.stringContaining('found an empty database; start the coordinator on this folder first') });
    expect(openFilesUnder(dir.path)).toEqual([]);
  });

  it('names a file SQLite cannot read (STORE_UNREADABLE), and holds nothing open after', async () => {
    writeFileSync(dataPaths(dir.path).db, 'not a database, but a file of the same name '.repeat(100));
    await expect(openFederationStore(dir.path)).rejects.toMatchObject({
      code: 'STORE_UNREADABLE', message: `${dataPaths(dir.path).db}: expected a coordinator's SQLite database, found one that could not be opened (file is not a database)`,
    });
    expect(openFilesUnder(dir.path)).toEqual([]);
  });

  it('closes a database whose federation cannot be read (another program\'s table of that name)', async () => {
    const other = new Database(dataPaths(dir.path).db);
    other.exec('CREATE TABLE federation (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();
    await expect(openFederationStore(dir.path)).rejects.toMatchObject({ code: 'STORE_UNREADABLE', message: expect.stringContaining('no such column: plan_json') });
    expect(openFilesUnder(dir.path)).toEqual([]);
  });
});
