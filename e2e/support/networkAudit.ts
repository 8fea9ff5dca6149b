/**
 * The network audit: every request the page (and its Worker) sends is recorded, and no
 * request body may contain any 256-byte window of the input files (raw, or the voxel
 * bytes of a gzipped NIfTI after decompression).
 *
 * Any 256-byte window of an input contains a whole 128-byte block that starts at a
 * multiple of 128; so the inputs' aligned 128-byte blocks are indexed by a rolling hash,
 * every 128-byte window of every body is looked up, and hits are confirmed byte by byte.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Request } from '@playwright/test';

const BLOCK = 128;
const BASE = 257;
const MOD = 2147483647; // 2^31 - 1
let POW = 1;
for (let i = 0; i < BLOCK - 1; i++) POW = (POW * BASE) % MOD;

function blockHash(b: Uint8Array, start: number): number {
  let h = 0;
  for (let i = 0; i < BLOCK; i++) h = (h * BASE + b[start + i]!) % MOD;
  return h;
}

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly body: Buffer | null;
}

export class NetworkAudit {
  private readonly index = new Map<number, { data: Uint8Array; at: number }[]>();
  readonly requests: RecordedRequest[] = [];

  constructor(inputFiles: readonly string[]) {
    for (const f of inputFiles) {
      const raw = new Uint8Array(readFileSync(f));
      this.add(raw);
      if (f.endsWith('.gz')) this.add(new Uint8Array(gunzipSync(raw)));
    }
  }

  /** Records every request of the context (pages and their Workers). */
  attach(context: BrowserContext): void {
    context.on('request', (r: Request) => this.requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  }

  /** Requests whose body holds a 256-byte window of an input file. */
  leaks(): { url: string; offset: number }[] {
    const out: { url: string; offset: number }[] = [];
    for (const r of this.requests) {
      const hit = r.body ? this.find(new Uint8Array(r.body)) : -1;
      if (hit >= 0) out.push({ url: r.url, offset: hit });
    }
    return out;
  }

  /** the offset of the first 128-byte window of `body` found in an input, or -1 */
  find(body: Uint8Array): number {
    if (body.length < BLOCK) return -1;
    let h = blockHash(body, 0);
    for (let i = 0; ; i++) {
      const candidates = this.index.get(h);
      if (candidates) {
        for (const c of candidates) {
          let same = true;
          for (let k = 0; k < BLOCK && same; k++) same = c.data[c.at + k] === body[i + k];
          if (same) return i;
        }
      }
      if (i + BLOCK >= body.length) return -1;
      h = ((h - ((body[i]! * POW) % MOD) + MOD) % MOD * BASE + body[i + BLOCK]!) % MOD;
    }
  }

  private add(data: Uint8Array): void {
    for (let at = 0; at + BLOCK <= data.length; at += BLOCK) {
      // skip constant blocks (zeros of background): a body of zeros is not a leak of a scan
      let constant = true;
      for (let k = 1; k < BLOCK && constant; k++) constant = data[at + k] === data[at];
      if (constant) continue;
      const h = blockHash(data, at);
      const list = this.index.get(h);
      if (list) list.push({ data, at });
      else this.index.set(h, [{ data, at }]);
    }
  }
}
