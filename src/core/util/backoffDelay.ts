/**
 * Exponential backoff: the wait before try `n + 1` after `n` failures in a row (n >= 1):
 * `firstMs`, then twice as long each time, at most `maxMs`. One rule for every retry loop
 * (the protocol client, a site waiting out an outage, the page's first connection, the
 * coordinator's aggregation).
 */
export function backoffDelay(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
}
