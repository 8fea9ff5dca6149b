/**
 * Serves the built page (vite's dist/) from an absolute folder: files by path, and
 * index.html for any other non-API path (the page routes by its URL fragment). Paths
 * are resolved inside the folder only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function staticSite(root: string): (c: Context) => Response {
  const base = resolve(root);
  return (c) => {
    if (!existsSync(join(base, 'index.html'))) {
      return c.text(`fedseg coordinator: no built page in ${base} (run \`npm run build\`, or pass --static)`, 404);
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('bad path', 400);
    }
    const file = normalize(join(base, rel));
    const inside = file === base || file.startsWith(base + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(base, 'index.html');
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    const immutable = target.includes(`${sep}assets${sep}`);
    return new Response(readFileSync(target), {
      headers: {
        'Content-Type': type,
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  };
}
