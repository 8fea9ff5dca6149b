/**
 * Serves the built page (dist/) for the end-to-end specs with Vite's preview server on
 * a free loopback port, under the same Content-Security-Policy the coordinator sends,
 * so that a spec fails where the real deployment would.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
].join('; ');

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function servePage(): Promise<PageServer> {
  if (!existsSync(resolve(REPO_ROOT, 'dist', 'index.html'))) {
    throw new Error('dist/index.html is missing: run `npx vite build` before the end-to-end tests');
  }
  const server: PreviewServer = await preview({
    root: REPO_ROOT,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, headers: { 'Content-Security-Policy': PAGE_CSP } },
  });
  const address = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => server.close(),
  };
}
