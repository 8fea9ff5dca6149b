/**
 * A client that goes away in the middle of its body: refused as BODY_ABORTED (audited),
 * not logged as the coordinator's failure with a stack trace. Real loopback HTTP.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { tempDir, testPlan } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1 });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
const logged: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  coord = await startCoordinator({ plan, dataDir: join(dir.path, 'data'), port: 0, staticRoot: null, log: (l) => logged.push(l), clockMs: 50 });
});
afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

/** POST /api/v1/join announcing 1000 bytes, sending 10, then closing the connection. */
function abortedJoin(): Promise<void> {
  const url = new URL(coord.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`POST /api/v1/join HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"invite":`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', reject);
  });
}

describe('a body cut off by its client', () => {
  it('is refused as BODY_ABORTED and audited, not logged as an internal error', async () => {
    const before = logged.length;
    for (let i = 0; i < 5; i++) await abortedJoin();
    const store = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
    try {
      await expect.poll(async () => (await store.auditLog({ action: 'refused' })).filter((e) => (e.detail as { code?: string }).code === 'BODY_ABORTED').length, { timeout: 5000 }).toBe(5);
    } finally {
      await store.close();
    }
    expect(logged.slice(before).filter((l) => /aborted|Error/.test(l))).toEqual([]);
    expect((await fetch(`${coord.url}/api/v1/health`)).status).toBe(200);
  });
});

describe('a JSON body that trickles in', () => {
  it('is refused after jsonBodyMs with BODY_TOO_SLOW, and its connection closed', async () => {
    const slowDir = tempDir();
    const slow = await startCoordinator({ plan, dataDir: join(slowDir.path, 'data'), port: 0, staticRoot: null, log: () => undefined, clockMs: 50, jsonBodyMs: 300 });
    try {
      const url = new URL(slow.url);
      const answer = await new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
        let text = '';
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(`POST /api/v1/join HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
          // a byte now and then, never the whole body
          const drip = setInterval(() => socket.write(' '), 50);
          socket.on('close', () => {
            clearInterval(drip);
            resolve({ text, closed: true });
          });
          setTimeout(() => {
            clearInterval(drip);
            resolve({ text, closed: false });
            socket.destroy();
          }, 5000);
        });
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('error', reject);
      });
      expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
      expect(answer.text).toContain('"code":"BODY_TOO_SLOW"');
      expect(answer.closed).toBe(true);
    } finally {
      await slow.close();
      slowDir.remove();
    }
  });
});
