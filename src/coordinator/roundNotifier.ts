/**
 * Round notifications: listeners (server-sent event streams) hear every status change;
 * long polls wait until a round after the one they know opens, or their timeout.
 */
import type { RoundStatus } from '../core/protocol/messages.ts';

export type RoundListener = (status: RoundStatus) => void;

export class RoundNotifier {
  private readonly listeners = new Set<RoundListener>();

  onChange(listener: RoundListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  notify(status: RoundStatus): void {
    for (const l of this.listeners) l(status);
  }

  /**
   * `now` if a round after `after` is open (or the federation finished); else the first such
   * status, or `current()` at the timeout. A client that goes away (`signal` aborted) stops
   * the wait at once: its listener and timer do not outlive it.
   */
  waitForRound(now: RoundStatus, after: number, timeoutMs: number, current: () => Promise<RoundStatus>, signal?: AbortSignal): Promise<RoundStatus> {
    if (now.round > after || now.finished || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (s: RoundStatus) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', gone);
        resolve(s);
      };
      const gone = () => done(now);
      const off = this.onChange((s) => {
        if (s.round > after || s.finished) done(s);
      });
      const timer = setTimeout(() => void current().then(done, () => done(now)), timeoutMs);
      signal?.addEventListener('abort', gone, { once: true });
    });
  }
}
