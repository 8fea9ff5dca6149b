/**
 * Reads a request body with a size limit: refused early from Content-Length, or as
 * soon as the stream passes the limit (a client cannot make the server buffer more).
 * A body cut off by its client is refused (BODY_ABORTED), not a coordinator failure.
 */
import type { Context } from 'hono';
import { HttpError } from './httpError.ts';

/**
 * `withinMs`: the whole body must arrive this long after reading began, else 408
 * BODY_TOO_SLOW and the connection is closed (a client trickling a small message must not
 * hold its socket for the server's half-hour upload timeout).
 */
export async function readBody(c: Context, maxBytes: number, what: string, withinMs?: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw tooLarge(what, maxBytes, Number(declared));
  }
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  let late: ReturnType<typeof setTimeout> | undefined;
  const tooSlow = withinMs === undefined
    ? null
    : new Promise<'late'>((resolve) => {
      late = setTimeout(() => resolve('late'), withinMs);
    });
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      const got = await (tooSlow ? Promise.race([reader.read(), tooSlow]) : reader.read());
      if (got === 'late') {
        void reader.cancel().catch(() => undefined);
        c.header('Connection', 'close');
        throw new HttpError(408, 'BODY_TOO_SLOW', `${what}: expected the body within ${withinMs! / 1000} s, found ${total} bytes by then; the connection is closed`);
      }
      next = got;
    } catch (e) {
      clearTimeout(late);
      if (e instanceof HttpError) throw e;
      // the client went away (or its connection broke) mid-body: its refusal, not the coordinator's failure
      throw new HttpError(400, 'BODY_ABORTED', `${what}: the body stopped arriving after ${total} bytes (${e instanceof Error ? e.message : String(e)}); the connection was closed before it ended`);
    }
    const { done, value } = next;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      clearTimeout(late);
      await reader.cancel().catch(() => undefined);
      throw tooLarge(what, maxBytes, total);
    }
    chunks.push(value);
  }
  clearTimeout(late);
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    out.set(ch, off);
    off += ch.byteLength;
  }
  return out;
}

/** Reads and parses a JSON body (limit in bytes, time as readBody's); BAD_JSON when it is not JSON. */
export async function readJson(c: Context, maxBytes: number, what: string, withinMs?: number): Promise<{ value: unknown; bytes: Uint8Array }> {
  const bytes = await readBody(c, maxBytes, what, withinMs);
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown, bytes };
  } catch {
    throw new HttpError(400, 'BAD_JSON', `${what}: expected a JSON body, found ${bytes.length} bytes that do not parse as JSON`);
  }
}

function tooLarge(what: string, max: number, found: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `${what}: expected at most ${max} bytes, found ${found}${found > max ? ' or more' : ''}`, { maxBytes: max });
}
