import { describe, expect, it } from 'vitest';
import type { RoundStatus } from '../core/protocol/messages.ts';
import { RoundNotifier } from './roundNotifier.ts';

const status = (round: number): RoundStatus => ({
  federation: 'f', planHash: 'a'.repeat(64), round, rounds: 3, state: 'open', finished: false, globalModelHash: 'b'.repeat(64),
  deadline: null, expectedSites: 1, reportedSites: 0, minSites: 1,
});

describe('RoundNotifier.waitForRound', () => {
  it('answers with the first status past `after`', async () => {
    const n = new RoundNotifier();
    const wait = n.waitForRound(status(1), 1, 60_000, async () => status(1));
    n.notify(status(1));
    n.notify(status(2));
    expect((await wait).round).toBe(2);
    expect(n.listening).toBe(false);
  });

  it('stops at once when its client goes away: no listener or timer is left behind', async () => {
    const n = new RoundNotifier();
    const client = new AbortController();
    const started = Date.now();
    const wait = n.waitForRound(status(1), 1, 60_000, async () => status(1), client.signal);
    expect(n.listening).toBe(true);
    client.abort();
    expect((await wait).round).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(n.listening).toBe(false);
    await expect(n.waitForRound(status(1), 1, 60_000, async () => status(1), client.signal)).resolves.toMatchObject({ round: 1 }); // already gone
    expect(n.listening).toBe(false);
  });
});
