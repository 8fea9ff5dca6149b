/**
 * Held connections over real loopback HTTP: past the limit a new anonymous event stream or
 * long poll is refused with 503 TOO_MANY_WAITING, a site's signed poll is not, and a client
 * that goes away gives its slot back.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLimit } from './connectionLimit.ts';
import { startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { joinSite, tempDir, testPlan } from './testing/testFederation.ts';

describe('ConnectionLimit', () => {
  it('refuses past its limit, and a release given twice frees one slot', async () => {
    const limit = new ConnectionLimit(2);
    const a = limit.acquire('a');
    await expect(limit.hold('b', '', async () => {
      expect(() => limit.acquire('c')).toThrow(expect.objectContaining({ code: 'TOO_MANY_WAITING', status: 503 }));
      throw new Error('work failed');
    })).rejects.toThrow('work failed');
    expect(limit.open).toBe(1); // the failed work gave its slot back
    a();
    a();
    expect(limit.open).toBe(0);
    expect(() => new ConnectionLimit(0)).toThrow('positive integer');
    expect(() => new ConnectionLimit(4, 0)).toThrow('per address: expected a positive integer');
  });

  it('gives one address at most its share, and the others their slots', () => {
    const limit = new ConnectionLimit(4, 2);
    const a1 = limit.acquire('a', '10.0.0.1');
    limit.acquire('a', '10.0.0.1');
    expect(() => limit.acquire('stream', '10.0.0.1')).toThrow(/stream: 2 requests from your address already wait.*the limit for one;/);
    limit.acquire('b', '10.0.0.2');
    expect(limit.openFrom('10.0.0.1')).toBe(2);
    a1();
    a1();
    expect(limit.openFrom('10.0.0.1')).toBe(1);
    limit.acquire('a', '10.0.0.1');
    // the total still holds when every address is within its share
    limit.acquire('c', '10.0.0.3');
    expect(() => limit.acquire('d', '10.0.0.4')).toThrow(expect.objectContaining({ code: 'TOO_MANY_WAITING' }));
    expect(limit.open).toBe(4);
  });
});

describe('the coordinator under many waiting clients', () => {
  let dir: ReturnType<typeof tempDir>;
  let coord: RunningCoordinator;
  const plan = testPlan({ rounds: 1, stragglers: { minSites: 1, roundDeadlineSeconds: 120 } });

  beforeAll(async () => {
    dir = tempDir();
    coord = await startCoordinator({ plan, dataDir: join(dir.path, 'data'), port: 0, log: () => undefined, clockMs: 50, maxWaiting: 2 });
  });

  afterAll(async () => {
    await coord?.close();
    dir?.remove();
  });

  /** an open event stream that has delivered its first event */
  async function openStream(): Promise<AbortController> {
    const ctl = new AbortController();
    const res = await fetch(`${coord.url}/api/v1/events`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: round');
    return ctl;
  }

  it('refuses a third stream or long poll with 503 TOO_MANY_WAITING, and takes one again once a client left', async () => {
    const a = await openStream();
    const b = await openStream();
    for (const path of ['/api/v1/events', '/api/v1/round?after=1&wait=30']) {
      const res = await fetch(coord.url + path);
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('TOO_MANY_WAITING');
    }
    // a status request without waiting is not held and is answered
    expect((await fetch(`${coord.url}/api/v1/round`)).status).toBe(200);
    // a joined site's long poll is signed and not refused for the anonymous ones
    const site = await joinSite(coord, 'Hospital A');
    expect(await site.client.waitForRound(1, 1)).toMatchObject({ round: 1 });
    a.abort();
    // the server notices the closed socket asynchronously
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const res = await fetch(`${coord.url}/api/v1/round?after=1&wait=1`);
      status = res.status;
      await res.arrayBuffer();
    }
    expect(status).toBe(200);
    b.abort();
  });
});

/** GET `path` from the loopback address `from` (Linux routes all of 127/8 to lo), the status and first chunk */
function getFrom(from: string, url: string, signal: AbortSignal): Promise<{ status: number; first: string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: from, signal }, (res) => {
      let ended!: () => void;
      const done = new Promise<void>((r) => (ended = r));
      res.once('end', ended);
      res.once('close', ended);
      res.once('data', (chunk: Buffer) => resolve({ status: res.statusCode ?? 0, first: chunk.toString('utf8'), ended: done }));
    });
    req.once('error', (e) => (signal.aborted ? undefined : reject(e)));
    req.end();
  });
}

describe('the coordinator under many waiting clients from one address', () => {
  let dir: ReturnType<typeof tempDir>;
  let coord: RunningCoordinator;
  const plan = testPlan({ rounds: 1, stragglers: { minSites: 1, roundDeadlineSeconds: 120 } });

  beforeAll(async () => {
    dir = tempDir();
    coord = await startCoordinator({ plan, dataDir: join(dir.path, 'data'), port: 0, log: () => undefined, clockMs: 50, maxWaiting: 8, maxWaitingPerAddress: 2, eventStreamLifetimeMs: 4000 });
  });

  afterAll(async () => {
    await coord?.close();
    dir?.remove();
  });

  // Linux routes all of 127/8 to loopback, so 127.0.0.2 is another address of this machine; macOS does not
  it.skipIf(process.platform !== 'linux')('refuses a third stream from one address and not one from another; a stream ends after its lifetime and frees its slot', async () => {
    const ctl = new AbortController();
    try {
      const events = `${coord.url}/api/v1/events`;
      const a = await getFrom('127.0.0.1', events, ctl.signal);
      const b = await getFrom('127.0.0.1', events, ctl.signal);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.first).toContain('retry: 2000');
      const third = await getFrom('127.0.0.1', events, ctl.signal);
      expect(third.status).toBe(503);
      expect(JSON.parse(third.first).error).toMatchObject({ code: 'TOO_MANY_WAITING', message: expect.stringContaining('from your address') });
      const other = await getFrom('127.0.0.2', events, ctl.signal);
      expect(other.status).toBe(200);
      // the streams end by themselves after 4 s (time enough for the refusals above on a loaded machine), and the address gets its slots back
      await Promise.all([a.ended, b.ended]);
      let again = 0;
      for (let i = 0; i < 50 && again !== 200; i++) {
        again = (await getFrom('127.0.0.1', events, ctl.signal)).status;
        if (again !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(again).toBe(200);
    } finally {
      ctl.abort();
    }
  });
});
