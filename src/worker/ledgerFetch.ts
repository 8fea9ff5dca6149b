/**
 * The one place where the site talks to the coordinator: a fetch that records every
 * request (method, path, kind, bytes sent and received, status) for the page's privacy
 * ledger. The protocol client gets this fetch, so nothing bypasses it.
 */
import type { FetchLike, RequestInitLike, ResponseLike } from '../core/protocol/client/fetchLike.ts';

export type RequestKind =
  | 'plan'
  | 'join'
  | 'invite check'
  | 'identity check'
  | 'participation'
  | 'round status'
  | 'federation status'
  | 'model download'
  | 'metrics upload'
  | 'update upload'
  | 'secure aggregation keys'
  | 'other';

export interface LedgerEntry {
  readonly seq: number;
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly kind: RequestKind;
  /** body bytes sent (0 for GET) */
  readonly sentBytes: number;
  /** body bytes received; -1 while unknown (streamed or failed) */
  readonly receivedBytes: number;
  /** HTTP status; 0 when the request failed before an answer */
  readonly status: number;
}

export function requestKind(method: string, path: string): RequestKind {
  const p = path.replace(/\?.*$/, '');
  if (p.endsWith('/plan')) return 'plan';
  if (p.endsWith('/join')) return 'join';
  if (p.endsWith('/invites/check')) return 'invite check';
  if (p.endsWith('/me')) return 'identity check';
  if (p.endsWith('/me/participation')) return 'participation';
  if (p.endsWith('/round')) return 'round status';
  if (p.endsWith('/status')) return 'federation status';
  if (/\/models\/[0-9a-f]{64}$/.test(p)) return 'model download';
  if (method === 'POST' && p.endsWith('/evaluation')) return 'metrics upload';
  if (method === 'POST' && p.endsWith('/update')) return 'update upload';
  // under secure aggregation the (masked) update is this upload; the rest is the key exchange
  if (method === 'POST' && p.endsWith('/secagg/masked')) return 'update upload';
  if (/\/secagg\/(advertise|roster|shares|unmask)$/.test(p)) return 'secure aggregation keys';
  return 'other';
}

function bodyBytes(body: RequestInitLike['body']): number {
  if (body === undefined) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  return body.byteLength;
}

/** A fetch that reports each request to `record` once its answer's body was read. */
export function ledgerFetch(record: (e: LedgerEntry) => void, onStart?: (kind: RequestKind, path: string) => void): FetchLike {
  let seq = 0;
  return async (url: string, init: RequestInitLike): Promise<ResponseLike> => {
    const path = new URL(url).pathname + new URL(url).search;
    const kind = requestKind(init.method, path);
    const base = { seq: ++seq, at: Date.now(), method: init.method, path, kind, sentBytes: bodyBytes(init.body) };
    onStart?.(kind, path);
    let res: Response;
    try {
      res = await fetch(url, init as RequestInit);
    } catch (e) {
      record({ ...base, receivedBytes: -1, status: 0 });
      throw e;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      // the answer broke off (Stop during a model download, the network gone): the request was made, and is listed
      record({ ...base, receivedBytes: -1, status: res.status });
      throw e;
    }
    record({ ...base, receivedBytes: bytes.length, status: res.status });
    return {
      ok: res.ok,
      status: res.status,
      headers: res.headers,
      arrayBuffer: async () => bytes.slice().buffer,
      text: async () => new TextDecoder().decode(bytes),
    };
  };
}
