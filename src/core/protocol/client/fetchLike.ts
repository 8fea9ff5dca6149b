/**
 * The slice of the Fetch API the protocol client uses, typed structurally (src/core is
 * checked without DOM types). Browsers, Web Workers and Node 20 all provide it.
 */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

export interface RequestInitLike {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  signal?: unknown;
}

export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

export function platformFetch(): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) throw new Error('fetch is not available on this platform');
  return f.bind(globalThis) as FetchLike;
}

type TimerHost = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(id: unknown): void };

/** Resolves after ms (or at once when the signal aborts). */
export function sleep(ms: number, signal?: { readonly aborted: boolean; addEventListener?(t: 'abort', fn: () => void): void }): Promise<void> {
  const host = globalThis as unknown as TimerHost;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const id = host.setTimeout(resolve, ms);
    signal?.addEventListener?.('abort', () => {
      host.clearTimeout(id);
      resolve();
    });
  });
}
