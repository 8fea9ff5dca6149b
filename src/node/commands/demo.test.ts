import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN_FILE, readOperatorToken } from '../../coordinator/operatorToken.ts';
import { operatorStatusOf } from '../../coordinator/testing/testFederation.ts';

describe('fedseg demo (what npm start runs)', () => {
  const data = mkdtempSync(join(tmpdir(), 'fedseg-demo-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('starts a coordinator with the demo plan, prints a working invite URL and writes sample scans', async () => {
    const child = spawn(process.execPath, ['bin/fedseg.mjs', 'demo', '--port', '0', '--data', data, '--collaborators', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
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
      const status = await operatorStatusOf({ url: base, operatorToken: readOperatorToken(join(data, OPERATOR_TOKEN_FILE)) });
      expect(out).toContain(`fedseg status --url ${base} --data ${data}`);
      expect(status.federation).toBe('fedseg demo');
      expect(status.plan.rounds).toBeGreaterThanOrEqual(100);
      expect(out).toContain(join(data, 'sample-scans'));
      for (const s of ['t1', 't1ce', 't2', 'flair', 'seg']) expect(existsSync(join(data, 'sample-scans', 'Sample_001', `Sample_001_${s}.nii.gz`))).toBe(true);
      // the headless synthetic site joins and sends updates: the federation is alive
      await expect.poll(() => out, { timeout: 60_000, interval: 500 }).toMatch(/round 1: update sent \(\d+ bytes\)/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
