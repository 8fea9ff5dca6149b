import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProtocolClient } from './protocolClient.ts';

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
