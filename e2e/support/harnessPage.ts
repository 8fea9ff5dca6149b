/**
 * Bundles a harness (a module of e2e/support that puts its API on `window`: the kernel
 * harness, with tfjs and fedseg's kernels; the case storage harness) with esbuild, in
 * memory, and serves it with a minimal HTML page from a loopback node:http server. The
 * built app (dist/) is not involved.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './pageServer.ts';

export interface HarnessPage {
  readonly url: string;
  close(): Promise<void>;
}

const html = (title: string): string => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title><script type="module" src="harness.js"></script>\n`;

/** Serves e2e/support/`entry` as the page's one script. */
export async function serveHarness(entry: string, title: string): Promise<HarnessPage> {
  const bundle = await build({
    entryPoints: [resolve(REPO_ROOT, 'e2e', 'support', entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const js = bundle.outputFiles[0]?.contents;
  if (!js) throw new Error(`esbuild produced no output for e2e/support/${entry}`);
  const files: Record<string, { type: string; body: Uint8Array | string }> = {
    '/': { type: 'text/html; charset=utf-8', body: html(title) },
    '/harness.js': { type: 'text/javascript; charset=utf-8', body: js },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok, fail) => server.close((e) => (e ? fail(e) : ok()))),
  };
}
