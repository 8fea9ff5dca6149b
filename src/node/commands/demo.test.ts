import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN_FILE, readOperatorToken } from '../../coordinator/operatorToken.ts';
import { dataPaths } from '../../coordinator/startCoordinator.ts';
import { operatorStatusOf } from '../../coordinator/testing/testFederation.ts';

/** `fedseg demo` in a child process, once it printed its invite URL. */
async function startDemo(data: string, collaborators = 1) {
  const child = spawn(process.execPath, ['bin/fedseg.mjs', 'demo', '--port', '0', '--data', data, '--collaborators', String(collaborators)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // (a synthetic site that fails says so on stderr)
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  };
  try {
    const invite = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no invite URL within 60 s; output:\n${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /(http:\/\/127\.0\.0\.1:\d+)\/#\/join\/([A-Za-z0-9_-]{20,})/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
      child.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
    });
    const base = invite.slice(0, invite.indexOf('/#/'));
    const status = () => operatorStatusOf({ url: base, operatorToken: readOperatorToken(join(data, OPERATOR_TOKEN_FILE)) });
    return { base, status, out: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

describe('fedseg demo (what npm start runs)', () => {
  const data = mkdtempSync(join(tmpdir(), 'fedseg-demo-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('starts a coordinator with the demo plan, prints a working invite URL and writes sample scans; a restart resumes it with the same sites', async () => {
    const first = await startDemo(data);
    try {
      const status = await first.status();
      expect(first.out()).toContain(`fedseg status --url ${first.base} --data ${data}`);
      // the dashboard link holds the operator token of this demo's data folder
      expect(first.out()).toContain(`${first.base}/#/operator/${readOperatorToken(join(data, OPERATOR_TOKEN_FILE))}\n`);
      expect(status.federation).toBe('fedseg demo');
      expect(status.plan.rounds).toBeGreaterThanOrEqual(100);
      expect(first.out()).toContain(join(data, 'sample-scans'));
      for (const s of ['t1', 't1ce', 't2', 'flair', 'seg']) expect(existsSync(join(data, 'sample-scans', 'Sample_001', `Sample_001_${s}.nii.gz`))).toBe(true);
      // the headless synthetic site joins and sends updates: the federation is alive
      await expect.poll(() => first.out(), { timeout: 60_000, interval: 500 }).toMatch(/round 1: update sent \(\d+ bytes\)/);
    } finally {
      await first.stop();
    }

    // started again: the same synthetic site goes on (its key kept in the data folder), no new one
    // is invited beside it, and only the newest visitor invite works
    const again = await startDemo(data);
    try {
      await expect.poll(() => again.out(), { timeout: 30_000, interval: 200 }).toMatch(/resumed the demo federation in .*, with its synthetic sites academic-3t;/);
      await expect.poll(() => again.out(), { timeout: 60_000, interval: 500 }).toMatch(/\[academic-3t\] round \d+: update sent/);
      const status = await again.status();
      const named = (name: string) => status.sites.filter((s) => s.name === name).map((s) => s.status);
      expect(named('Synthetic academic-3t')).toEqual(['active']);
      expect(named('You (the browser)')).toEqual(['revoked', 'invited']);
      expect(again.out()).not.toContain('stopped:');
    } finally {
      await again.stop();
    }

    // the operator revoked the synthetic site: the next start invites it anew instead of failing each time
    const { SqliteStore } = await import('../../coordinator/storage/sqliteStore.ts');
    const store = new SqliteStore(dataPaths(data).db);
    const old = (await store.sites()).find((s) => s.name === 'Synthetic academic-3t')!;
    await store.revokeSite(old.id, Date.now());
    await store.close();
    const third = await startDemo(data);
    try {
      await expect.poll(() => third.out(), { timeout: 60_000, interval: 500 }).toMatch(/\[academic-3t\] round \d+: update sent/);
      const sites = (await third.status()).sites.filter((s) => s.name === 'Synthetic academic-3t');
      expect(sites.map((s) => [s.id === old.id, s.status])).toEqual([[true, 'revoked'], [false, 'active']]);
      expect(third.out()).not.toContain('stopped:');
    } finally {
      await third.stop();
    }

    // started with no synthetic site: the one it had is not started, and the rounds do not wait for it
    const fourth = await startDemo(data, 0);
    try {
      await expect.poll(() => fourth.out(), { timeout: 30_000, interval: 200 }).toContain('not started, and not waited for: academic-3t (--collaborators 1 starts them)');
      const status = await fourth.status();
      expect(status.sites.find((s) => s.name === 'Synthetic academic-3t' && s.status === 'active')!.pausedAt).toEqual(expect.any(Number));
      expect(status.current.expectedSites).toBe(0);
      expect(fourth.out()).not.toMatch(/\[academic-3t\] round/);
    } finally {
      await fourth.stop();
    }
    // four demo processes, three of them compiling and training until an update is sent: over 100 s on a loaded 2-core machine
  }, 300_000);
});
