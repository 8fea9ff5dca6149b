/**
 * An upload over real loopback HTTP that sends its headers and only part of its body, as a
 * slow or stalled client does: the answer may come before the rest, or never.
 */
import { request } from 'node:http';

export interface PartlySent {
  /** the coordinator's answer: status and error code (or the upload's status) */
  readonly answer: Promise<{ status: number; code: string | undefined; finished: boolean }>;
  /** drops the connection, as a client that gave up */
  abort(): void;
}

/** POSTs `headers` and `part` of `body` to `url` (all of it when `part` is `body`), content-length that of `body`. */
export function sendPartly(url: string, headers: Record<string, string>, body: Uint8Array, part: Uint8Array): PartlySent {
  let abort = (): void => undefined;
  const answer = new Promise<{ status: number; code: string | undefined; finished: boolean }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const json = JSON.parse(text) as { status?: string; error?: { code: string } };
        resolve({ status: res.statusCode!, code: json.error?.code ?? json.status, finished: part === body });
        req.destroy();
      });
    });
    abort = () => req.destroy();
    req.on('error', (e) => (part === body ? reject(e) : undefined));
    if (part === body) req.end(body);
    else req.write(part);
  });
  return { answer, abort };
}
