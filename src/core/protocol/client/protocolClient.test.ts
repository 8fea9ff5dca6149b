import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { generateSiteKeyPair } from '../signing.ts';
import { ProtocolClient } from './protocolClient.ts';
import { ProtocolError } from './protocolError.ts';

describe('ProtocolClient.withSignal', () => {
  it('ends a long poll as soon as its signal aborts, over real HTTP', async () => {
    const held: ServerResponse[] = [];
    const server = createServer((_req, res) => void held.push(res)); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = new ProtocolClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const job = new AbortController();
      const started = Date.now();
      const poll = base.withSignal(job.signal).waitForRound(1, 30);
      await expect.poll(() => held.length).toBe(1);
      job.abort();
      await expect(poll).rejects.toMatchObject({ code: 'ABORTED' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(base.baseUrl).toBe(base.withSignal(job.signal).baseUrl);
    } finally {
      for (const r of held) r.destroy();
      server.close();
    }
  });
});

describe('ProtocolClient errors', () => {
  it('does not take a failure to sign for an unreachable coordinator: no request, no retry', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      throw new Error('not called');
    };
    const keys = await generateSiteKeyPair();
    // a public key cannot sign
    const client = new ProtocolClient({ baseUrl: 'http://127.0.0.1:9', fetch, credentials: { siteId: 's', privateKey: keys.publicKey } });
    const e = await client.me().catch((err: unknown) => err);
    expect(e).not.toBeInstanceOf(ProtocolError);
    expect(calls).toBe(0);
    // while a network failure is one, and is retried
    const down = new ProtocolClient({ baseUrl: 'http://127.0.0.1:9', fetch, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(down.round()).rejects.toMatchObject({ code: 'UNREACHABLE', status: 0 });
    expect(calls).toBe(3);
  });
});
