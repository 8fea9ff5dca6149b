/**
 * Held connections over real loopback HTTP: past the limit a new anonymous event stream or
 * long poll is refused with 503 TOO_MANY_WAITING, a site's signed poll is not, and a client
 * that goes away gives its slot back.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLimit } from './connectionLimit.ts';
import { startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { joinSite, tempDir, testPlan } from './testing/testFederation.ts';

describe('ConnectionLimit', () => {
  it('refuses past its limit, and a release given twice frees one slot', async () => {
    const limit = new ConnectionLimit(2);
    const a = limit.acquire('a');
    await expect(limit.hold('b', async () => {
      expect(() => limit.acquire('c')).toThrow(expect.objectContaining({ code: 'TOO_MANY_WAITING', status: 503 }));
      throw new Error('work failed');
    })).rejects.toThrow('work failed');
    expect(limit.open).toBe(1); // the failed work gave its slot back
    a();
    a();
    expect(limit.open).toBe(0);
    expect(() => new ConnectionLimit(0)).toThrow('positive integer');
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
