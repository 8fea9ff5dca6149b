/**
 * A site keeps going through a coordinator outage: a request that still fails after the
 * client's own retries (unreachable, 502/503/504, 429) is tried again, 2 s, 4 s ... at
 * most a minute apart, until it succeeds, the coordinator refuses it (4xx: that is an
 * answer) or the site stops. A 500 (the coordinator's own failure, which it logs) is
 * tried again only a few times: one that lasts is a fault to report, not an outage to
 * wait out. Only for requests that may be repeated: round status, model downloads,
 * evaluation reports, update uploads and secure aggregation's messages are idempotent.
 */
import { backoffDelay } from '../../util/backoffDelay.ts';
import { sleep } from './fetchLike.ts';
import { ProtocolError } from './protocolError.ts';

export interface UntilReachableOptions {
  readonly signal?: { readonly aborted: boolean };
  /** told before each wait: what failed, why, and how long until the next try */
  readonly onWait?: (what: string, error: ProtocolError, waitMs: number) => void;
  readonly sleep?: (ms: number, signal?: { readonly aborted: boolean }) => Promise<void>;
  readonly maxDelayMs?: number;
  /** tries after a 500 before giving up (default 5) */
  readonly serverFaultTries?: number;
}

export async function untilReachable<T>(what: string, request: () => Promise<T>, o: UntilReachableOptions = {}): Promise<T> {
  let faults = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (e) {
      if (!(e instanceof ProtocolError) || !e.retryable || e.code === 'ABORTED' || o.signal?.aborted) throw e;
      if (e.status === 500 && ++faults >= (o.serverFaultTries ?? 5)) throw e;
      const waitMs = backoffDelay(attempt + 1, 2000, o.maxDelayMs ?? 60_000);
      o.onWait?.(what, e, waitMs);
      await (o.sleep ?? pollingSleep)(waitMs, o.signal);
      if (o.signal?.aborted) throw e;
    }
  }
}

/** Sleeps `ms`, waking early (within a quarter second) when `signal` aborts. */
async function pollingSleep(ms: number, signal?: { readonly aborted: boolean }): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !signal?.aborted) {
    await sleep(Math.min(250, until - Date.now()));
  }
}
