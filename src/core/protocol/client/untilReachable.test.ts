import { describe, expect, it } from 'vitest';
import { ProtocolError } from './protocolError.ts';
import { untilReachable } from './untilReachable.ts';

/** a request that fails with `errors` in turn, then answers 'ok' */
function flaky(errors: readonly ProtocolError[]) {
  let calls = 0;
  const request = async () => {
    const e = errors[calls++];
    if (e) throw e;
    return 'ok';
  };
  return { request, calls: () => calls };
}

describe('untilReachable', () => {
  it('waits through an outage (unreachable, 503, 429), backing off, and tells each wait', async () => {
    const down = flaky([new ProtocolError(0, 'UNREACHABLE', 'down'), new ProtocolError(503, 'HTTP_503', 'proxy'), new ProtocolError(429, 'HTTP_429', 'busy')]);
    const waits: [string, string, number][] = [];
    const slept: number[] = [];
    const answer = await untilReachable('round status', down.request, {
      onWait: (what, e, ms) => waits.push([what, e.code, ms]),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(answer).toBe('ok');
    expect(waits).toEqual([['round status', 'UNREACHABLE', 2000], ['round status', 'HTTP_503', 4000], ['round status', 'HTTP_429', 8000]]);
    expect(slept).toEqual([2000, 4000, 8000]);
  });

  it('passes a refusal (4xx) on at once, and gives up when the site stops', async () => {
    const refused = flaky([new ProtocolError(409, 'ROUND_CLOSED', 'closed')]);
    await expect(untilReachable('upload', refused.request, { sleep: async () => undefined })).rejects.toMatchObject({ code: 'ROUND_CLOSED' });
    expect(refused.calls()).toBe(1);
    const signal = { aborted: false };
    const down = flaky(Array.from({ length: 100 }, () => new ProtocolError(0, 'UNREACHABLE', 'down')));
    const run = untilReachable('upload', down.request, { signal, sleep: async () => void (signal.aborted = true) });
    await expect(run).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(down.calls()).toBe(1);
  });

  it('gives up on a coordinator that keeps answering 500 (its own fault), after a few tries', async () => {
    const broken = flaky(Array.from({ length: 100 }, () => new ProtocolError(500, 'INTERNAL', 'internal error; the coordinator logged it')));
    await expect(untilReachable('upload', broken.request, { sleep: async () => undefined })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(broken.calls()).toBe(5);
  });

  it('waits at most a minute between tries', async () => {
    const down = flaky(Array.from({ length: 12 }, () => new ProtocolError(0, 'UNREACHABLE', 'down')));
    const slept: number[] = [];
    await untilReachable('round status', down.request, { sleep: async (ms) => void slept.push(ms) });
    expect(Math.max(...slept)).toBe(60_000);
    expect(slept.slice(0, 5)).toEqual([2000, 4000, 8000, 16000, 32000]);
  });
});
