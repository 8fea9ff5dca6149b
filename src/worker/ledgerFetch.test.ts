import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ledgerFetch, requestKind, type LedgerEntry } from './ledgerFetch.ts';

describe('requestKind', () => {
  it('names every route of the site protocol', () => {
    const hash = 'a'.repeat(64);
    expect(requestKind('GET', '/api/v1/plan')).toBe('plan');
    expect(requestKind('POST', '/api/v1/join')).toBe('join');
    expect(requestKind('POST', '/api/v1/invites/check')).toBe('invite check');
    expect(requestKind('GET', '/api/v1/me')).toBe('identity check');
    expect(requestKind('POST', '/api/v1/me/participation')).toBe('participation');
    expect(requestKind('GET', '/api/v1/round?after=2&wait=20')).toBe('round status');
    expect(requestKind('GET', '/api/v1/status')).toBe('federation status');
    expect(requestKind('GET', `/api/v1/models/${hash}`)).toBe('model download');
    expect(requestKind('POST', '/api/v1/rounds/3/evaluation')).toBe('metrics upload');
    expect(requestKind('POST', '/api/v1/rounds/3/update')).toBe('update upload');
    expect(requestKind('POST', '/api/v1/rounds/3/secagg/masked')).toBe('update upload');
    for (const [method, kind] of [['POST', 'advertise'], ['GET', 'roster'], ['POST', 'shares'], ['GET', 'shares'], ['GET', 'unmask'], ['POST', 'unmask']] as const) {
      expect(requestKind(method, `/api/v1/rounds/3/secagg/${kind}?wait=20`)).toBe('secure aggregation keys');
    }
    expect(requestKind('GET', '/api/v1/other')).toBe('other');
  });
});

describe('ledgerFetch', () => {
  it('records bytes sent and received and the status of each request, over real HTTP', async () => {
    const server = createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        res.statusCode = req.url?.endsWith('/update') ? 200 : 404;
        res.end(JSON.stringify({ received: n }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const entries: LedgerEntry[] = [];
    const f = ledgerFetch((e) => entries.push(e));
    try {
      const res = await f(`${base}/api/v1/rounds/1/update`, { method: 'POST', headers: {}, body: new Uint8Array(1000) });
      expect(JSON.parse(await res.text())).toEqual({ received: 1000 });
      await f(`${base}/api/v1/plan`, { method: 'GET', headers: {} });
    } finally {
      server.close();
    }
    expect(entries.map((e) => [e.kind, e.sentBytes, e.status])).toEqual([['update upload', 1000, 200], ['plan', 0, 404]]);
    expect(entries[0]!.receivedBytes).toBe('{"received":1000}'.length);
  });

  it('lists a request whose answer broke off, with its status and no bytes received', async () => {
    // headers and part of a body, then the connection is cut (a download stopped, the network gone)
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(new Uint8Array(1000), () => res.socket?.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const entries: LedgerEntry[] = [];
    const f = ledgerFetch((e) => entries.push(e));
    try {
      await expect(f(`${base}/api/v1/models/${'a'.repeat(64)}`, { method: 'GET', headers: {} })).rejects.toThrow();
    } finally {
      server.close();
    }
    expect(entries.map((e) => [e.kind, e.status, e.receivedBytes])).toEqual([['model download', 200, -1]]);
  });
});

