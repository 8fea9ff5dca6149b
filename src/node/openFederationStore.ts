/**
 * The database of a coordinator's data folder, for the commands that read or change it
 * beside the running coordinator (invite, status --audit, export-model). Never a new
 * database: a folder no coordinator runs on is refused, so that a mistyped --data does
 * not create an empty federation that nothing could ever use.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { dataPaths } from '../coordinator/startCoordinator.ts';
import { SqliteStore, storeUnreadable } from '../coordinator/storage/sqliteStore.ts';
import { FedsegError } from '../core/util/errors.ts';

/** The store of `dataDir`, which must hold a federation: NO_FEDERATION otherwise, STORE_UNREADABLE for a file SQLite cannot read. The caller closes it. */
export async function openFederationStore(dataDir: string): Promise<SqliteStore> {
  const dir = resolve(dataDir);
  const db = dataPaths(dir).db;
  if (!existsSync(db)) {
    throw new FedsegError('NO_FEDERATION', `--data ${dir}: expected the data folder of a coordinator (with ${basename(db)}), found none; give the --data the coordinator was started with`);
  }
  const store = new SqliteStore(db);
  let found;
  try {
    found = await store.federation();
  } catch (e) {
    await store.close();
    throw storeUnreadable(db, e);
  }
  if (!found) {
    await store.close();
    throw new FedsegError('NO_FEDERATION', `--data ${dir}: expected a federation in ${basename(db)}, found an empty database; start the coordinator on this folder first`);
  }
  return store;
}
