/**
 * Anonymous requests that hold their connection open (long polls, server-sent event
 * streams) are counted; past the limit a new one is refused with 503 `TOO_MANY_WAITING`,
 * which clients retry with backoff, instead of letting open sockets and listeners pile up
 * until the process runs out of file descriptors. Sites' signed waits are not counted
 * (there is at most one or two per joined site), so anonymous clients that fill the
 * limit cannot keep the federation's sites from hearing of the next round.
 */
import { HttpError } from './httpError.ts';

export class ConnectionLimit {
  private held = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`connection limit: expected a positive integer, found ${max}`);
  }

  /** how many requests hold a slot now */
  get open(): number {
    return this.held;
  }

  /** Takes a slot for `what` or refuses; the returned release may be called more than once. */
  acquire(what: string): () => void {
    if (this.held >= this.max) {
      throw new HttpError(503, 'TOO_MANY_WAITING', `${what}: ${this.max} requests already wait on this coordinator, its limit; try again in a few seconds`);
    }
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
    };
  }

  /** Runs `work` holding a slot, and gives the slot back however it ends. */
  async hold<T>(what: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(what);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
