/**
 * One coordinator per data folder: a second start on a folder in use is refused, a lock
 * left by a coordinator that was killed is taken over, and a start that fails (its port is
 * taken) leaves neither the lock nor a round clock behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, startTimeOf } from './dataFolderLock.ts';
import { startCoordinator } from './startCoordinator.ts';
import { tempDir, testPlan } from './testing/testFederation.ts';

const dir = tempDir();
afterAll(() => dir.remove());
const plan = testPlan({ rounds: 1 });
const start = (name: string, port = 0, log: (l: string) => void = () => undefined) =>
  startCoordinator({ plan, dataDir: join(dir.path, name), port, staticRoot: null, log, clockMs: 20 });

describe('the data folder lock', () => {
  it('refuses a second coordinator on a folder in use, and lets one start once the first closed', async () => {
    const first = await start('a');
    try {
      await expect(start('a')).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE', message: expect.stringContaining(`pid ${process.pid} on ${hostname()}`) });
      // the refused start changed nothing: the first still answers
      expect((await fetch(`${first.url}/api/v1/health`)).status).toBe(200);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir.path, 'a', LOCK_FILE))).toBe(false);
    const again = await start('a');
    await again.close();
  });

  it('takes over the lock of a coordinator that was killed', async () => {
    // a pid that ran and is gone
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const folder = join(dir.path, 'b');
    await (await start('b')).close(); // makes the folder
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const c = await start('b');
    await c.close();
  });

  it.skipIf(startTimeOf(process.pid) === null)('takes over a lock whose pid another process has now, or made before a reboot; keeps one of a running owner', async () => {
    const folder = join(dir.path, 'f');
    await (await start('f')).close();
    // a running process that is no coordinator, with the pid a dead owner once had
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      const pid = other.pid!;
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const lock = (owner: object) => writeFileSync(join(folder, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', ...owner }));
      lock({ boot, start: '1' });
      await (await start('f')).close();
      lock({ boot: 'another-boot', start: startTimeOf(pid) });
      await (await start('f')).close();
      // the owner itself, as the lock describes it: held
      lock({ boot, start: startTimeOf(pid) });
      await expect(start('f')).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE', message: expect.stringContaining(`pid ${pid}`) });
      // a lock written before start times were kept: held while the pid runs
      lock({});
      await expect(start('f')).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE' });
    } finally {
      other.kill();
    }
  });

  it('takes over a lock that cannot be read, and keeps one whose folder is spelt another way', async () => {
    const folder = join(dir.path, 'e');
    await (await start('e')).close();
    writeFileSync(join(folder, LOCK_FILE), '{not json');
    const c = await start('e');
    try {
      // the same folder under another spelling is the same lock
      await expect(startCoordinator({ plan, dataDir: `${folder}/./`, port: 0, staticRoot: null, log: () => undefined })).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE' });
    } finally {
      await c.close();
    }
    expect(readdirSync(folder).filter((f) => f.startsWith(LOCK_FILE))).toEqual([]); // no temporary or moved-aside file left
  });

  it('a start whose port is taken fails with the port error, and leaves no lock and no round clock', async () => {
    const holder = await start('c');
    const lines: string[] = [];
    try {
      await expect(start('d', holder.port, (l) => lines.push(l))).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(existsSync(join(dir.path, 'd', LOCK_FILE))).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(lines.filter((l) => l.includes('round clock'))).toEqual([]);
    } finally {
      await holder.close();
    }
  });
});
