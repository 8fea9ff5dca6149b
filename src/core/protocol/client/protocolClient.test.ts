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

describe('ProtocolClient, what leaves the site', () => {
  it('checks every outgoing message against its strict schema: a field the protocol does not define is never sent', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      throw new Error('not called');
    };
    const keys = await generateSiteKeyPair();
    const client = new ProtocolClient({ baseUrl: 'http://127.0.0.1:9', fetch, credentials: { siteId: 'site-a', privateKey: keys.privateKey } });
    const report = {
      federation: 'f', planHash: 'a'.repeat(64), round: 1, siteId: 'site-a', modelHash: 'b'.repeat(64), cases: 5,
      dice: { ET: 0.5, TC: 0.6, WT: 0.7 }, hd95: { ET: 5, TC: 4, WT: 3 },
    };
    const leak = { ...report, caseId: 'DOE^JOHN_MRN123' } as typeof report;
    await expect(client.reportEvaluation(leak)).rejects.toMatchObject({ code: 'MESSAGE_INVALID', message: expect.stringContaining('evaluation report (before sending): (top level): unknown key "caseId"') });
    await expect(client.secAggPost(1, 'advertise', { siteId: 'site-a', weight: 1, note: 'x' })).rejects.toMatchObject({ code: 'MESSAGE_INVALID' });
    await expect(client.join('t'.repeat(43), keys, 'a'.repeat(64), { kind: 'browser', gpu: 'NVIDIA H100' } as never)).rejects.toMatchObject({ code: 'MESSAGE_INVALID', message: expect.stringContaining('client: unknown key "gpu"') });
    expect(calls).toBe(0);
  });
});
