import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_PLAN } from '../../core/protocol/plan.ts';
import { dataPaths, startCoordinator } from '../../coordinator/startCoordinator.ts';
import { SqliteStore } from '../../coordinator/storage/sqliteStore.ts';
import { inviteCommand } from './invite.ts';

describe('fedseg invite', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'fedseg-invite-'));
    dirs.push(d);
    return d;
  };

  it('refuses a folder that holds no federation, and creates nothing there', async () => {
    const root = temp();
    const missing = join(root, 'typo');
    await expect(inviteCommand.run(['--site', 'Hospital A', '--data', missing])).rejects.toThrow(
      expect.objectContaining({ code: 'NO_FEDERATION', message: expect.stringMatching(/expected the data folder of a coordinator .* found none; give the --data the coordinator was started with$/) }),
    );
    expect(existsSync(missing)).toBe(false);
    const empty = temp();
    expect(readdirSync(empty)).toEqual([]);
    await expect(inviteCommand.run(['--site', 'Hospital A', '--data', empty])).rejects.toThrow(expect.objectContaining({ code: 'NO_FEDERATION' }));
    expect(readdirSync(empty)).toEqual([]);
    // a database no coordinator ever initialised
    await new SqliteStore(dataPaths(empty).db).close();
    await expect(inviteCommand.run(['--site', 'Hospital A', '--data', empty])).rejects.toThrow(/found an empty database; start the coordinator on this folder first/);
  });

  it('revokes a site once, says so when it was already revoked, and names an unknown id', async () => {
    const data = temp();
    const coord = await startCoordinator({ plan: DEMO_PLAN, dataDir: data, port: 0, staticRoot: null, log: () => undefined });
    const { siteId } = await coord.invite('Hospital A');
    await coord.close();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await inviteCommand.run(['--revoke', siteId, '--data', data])).toBe(0);
      expect(await inviteCommand.run(['--revoke', siteId, '--data', data])).toBe(0);
      expect(log.mock.calls.map((c) => c[0])).toEqual([`site ${siteId} revoked`, `site ${siteId} was already revoked`]);
    } finally {
      log.mockRestore();
    }
    await expect(inviteCommand.run(['--revoke', 'hospital-z', '--data', data])).rejects.toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SITE', message: expect.stringContaining('found "hospital-z", which no site in') }),
    );
  });
});
