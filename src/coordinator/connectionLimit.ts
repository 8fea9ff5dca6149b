/**
 * Anonymous requests that hold their connection open (long polls, server-sent event
 * streams) are counted; past the limit a new one is refused with 503 `TOO_MANY_WAITING`,
 * which clients retry with backoff, instead of letting open sockets and listeners pile up
 * until the process runs out of file descriptors. Sites' signed waits are not counted
 * (there is at most one or two per joined site), so anonymous clients that fill the
 * limit cannot keep the federation's sites from hearing of the next round.
 *
 * One address may hold only a share of the slots (`maxPerAddress`), so one machine that
 * opens streams in a loop fills its own share and not the coordinator's; behind a reverse
 * proxy every client has the proxy's address and that share is what all of them get.
 */
import { HttpError } from './httpError.ts';

export class ConnectionLimit {
  private held = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly maxPerAddress: number = max,
    /** what the per-key share is of, in refusals ("your address", "this site") */
    readonly keyIs: string = 'your address',
  ) {
    for (const [name, n] of [['connection limit', max], ['connection limit per address', maxPerAddress]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: expected a positive integer, found ${n}`);
    }
  }

  /** how many requests hold a slot now */
  get open(): number {
    return this.held;
  }

  /** how many slots requests from `address` hold now */
  openFrom(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  /** Takes a slot for `what` from `address` or refuses; the returned release may be called more than once. */
  acquire(what: string, address = ''): () => void {
    if (this.held >= this.max) {
      throw new HttpError(503, 'TOO_MANY_WAITING', `${what}: ${this.max} requests already wait on this coordinator, its limit; try again in a few seconds`);
    }
    const mine = this.openFrom(address);
    if (mine >= this.maxPerAddress) {
      throw new HttpError(503, 'TOO_MANY_WAITING', `${what}: ${mine} requests from ${this.keyIs} already wait on this coordinator, the limit for one; close some or try again later`);
    }
    this.held++;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      const left = this.openFrom(address) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
  }

  /** Runs `work` holding a slot, and gives the slot back however it ends. */
  async hold<T>(what: string, address: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(what, address);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
