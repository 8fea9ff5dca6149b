import { FedsegError } from '../../util/errors.ts';

/**
 * A refusal or failure from the coordinator: `status` is the HTTP status (0 when the
 * coordinator could not be reached), `code` the stable error code of its answer.
 */
export class ProtocolError extends FedsegError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message, { status });
    this.name = 'ProtocolError';
    this.status = status;
  }

  /** Worth trying again: unreachable, overloaded or a server error (uploads are idempotent). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
