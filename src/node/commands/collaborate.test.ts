import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { operatorStatusOf, startTestCoordinator, tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { collaborateCommand } from './collaborate.ts';
import { statusCommand } from './status.ts';

describe('fedseg collaborate and fedseg status over plain http', () => {
  it('refuse a coordinator on another machine without TLS, before anything is sent, unless --insecure', async () => {
    await expect(collaborateCommand.run(['--url', 'http://10.0.0.5:8080', '--invite', 'x', '--synthetic', 'small-clinic'])).rejects.toMatchObject({ code: 'INSECURE_URL', message: expect.stringContaining('the invite, the updates and the scores') });
    await expect(statusCommand.run(['--url', 'http://coordinator.example.org', '--token-file', '/nonexistent'])).rejects.toMatchObject({ code: 'INSECURE_URL', message: expect.stringContaining('the operator token') });
    // with --insecure the URL is taken: the next problem is the token file
    await expect(statusCommand.run(['--url', 'http://coordinator.example.org', '--token-file', '/nonexistent', '--insecure'])).rejects.toMatchObject({ code: 'OPERATOR_TOKEN_FILE' });
  });
});

describe('fedseg collaborate stopped with Ctrl-C', () => {
  it('tells the coordinator it stopped taking part, says so and exits with 130', async () => {
    const dir = tempDir('fedseg-collaborate-sigint-');
    // a long deadline and a second site that never sends: the round is still open when the site stops
    const coord = await startTestCoordinator(testPlan({ rounds: 2, training: { localSteps: 200 }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } }), dir.path);
    try {
      await coord.invite('Never sends');
      const invite = await coord.invite('Interrupted site');
      const child = spawn(process.execPath, ['bin/fedseg.mjs', 'collaborate', '--url', coord.url, '--invite', invite.token, '--synthetic', 'small-clinic', '--cases', '2', '--size', '16', '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // joined, and in its first round (evaluating or training)
      await expect.poll(() => out, { timeout: 60_000, interval: 100 }).toMatch(/round 1 of 2: model/);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      // stopped at once, not once its 200 training steps were done (they let the signal in)
      expect(out).not.toContain('step 200/200');
      expect(out).toContain('stopping: this site leaves the federation');
      expect(out).toContain('told the coordinator that this site stopped taking part');
      const site = (await operatorStatusOf(coord)).sites.find((s) => s.name === 'Interrupted site')!;
      expect(site.pausedAt).toEqual(expect.any(Number));
    } finally {
      await coord.close();
      dir.remove();
    }
  }, 90_000);
});
