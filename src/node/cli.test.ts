import { afterEach, describe, expect, it, vi } from 'vitest';
import { newInviteToken } from '../coordinator/inviteToken.ts';
import { main, unexpectedFailure } from './cli.ts';

describe('fedseg (the command line)', () => {
  afterEach(() => vi.restoreAllMocks());
  const run = async (...argv: string[]) => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    err.mockClear();
    const code = await main(argv);
    return { code, text: err.mock.calls.map((c) => String(c[0])).join('\n') };
  };

  it('answers a missing option value or a stray argument with what was wrong and the usage, exit 2', async () => {
    const missing = await run('invite', '--site');
    expect(missing.code).toBe(2);
    expect(missing.text).toMatch(/^fedseg invite: Option '--site <value>' argument missing/);
    expect(missing.text).toContain('fedseg invite --site NAME');
    const stray = await run('status', 'extra');
    expect(stray.code).toBe(2);
    expect(stray.text).toMatch(/^fedseg status: Unexpected argument 'extra'/);
  });

  it('names an option value that is no number as it was given', async () => {
    const bad = await run('status', '--audit', '--limit', 'abc', '--data', '/nonexistent-fedseg');
    expect(bad.code).toBe(1);
    expect(bad.text).toBe('fedseg status: --limit: expected a positive integer, found "abc" [BAD_OPTION]');
    const rounds = await run('status', '--rounds', '0');
    expect(rounds.text).toBe('fedseg status: --rounds: expected a positive integer or "all", found "0" [BAD_OPTION]');
  });

  it('reports an unexpected failure in one line, its stack only when debugging', () => {
    const e = new Error(`ENOENT: no such file or directory, open 'x'${' '.repeat(2000)}`);
    const line = unexpectedFailure('train-local', e, false);
    expect(line).toMatch(/^fedseg train-local: failed: ENOENT: no such file or directory, open 'x' {900,}… \(FEDSEG_DEBUG=1 shows where\)$/);
    expect(line.length).toBeLessThan(1100);
    expect(unexpectedFailure('train-local', e, true)).toContain('cli.test.ts');
  });

  it('makes invite tokens that a command line does not take for an option', () => {
    for (let i = 0; i < 2000; i++) expect(newInviteToken()).not.toMatch(/^-/);
  });
});
