/**
 * Failures in a row, and when the next try may come: 1 s after the first, then 2 s, 4 s
 * ... at most a minute apart, until a success resets it. The coordinator's aggregation
 * uses it, so that a full disk is not hammered on every clock tick.
 */
import { backoffDelay } from '../core/util/backoffDelay.ts';

export class FailureBackoff {
  private failures = 0;
  private nextAt = 0;

  constructor(
    private readonly now: () => number,
    private readonly firstMs = 1000,
    private readonly maxMs = 60_000,
  ) {}

  /** a failure was recently noted and its wait has not passed */
  get waiting(): boolean {
    return this.now() < this.nextAt;
  }

  /** Notes a failure: which one in a row it is, and how long until the next try. */
  failed(): { attempt: number; waitMs: number } {
    this.failures++;
    const waitMs = backoffDelay(this.failures, this.firstMs, this.maxMs);
    this.nextAt = this.now() + waitMs;
    return { attempt: this.failures, waitMs };
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAt = 0;
  }
}
