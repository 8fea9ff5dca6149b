/**
 * The coordinator's one HTTP error type. `code` is stable (clients and tests key on it,
 * docs/api.md lists every one); `message` says what was expected and what was found.
 */
import { FedsegError } from '../core/util/errors.ts';

export type HttpStatus = 400 | 401 | 403 | 404 | 408 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

export class HttpError extends FedsegError {
  readonly status: HttpStatus;
  constructor(status: HttpStatus, code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'HttpError';
    this.status = status;
  }
}

/** The JSON body of every error answer (ErrorBodySchema in src/core/protocol/messages.ts). */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * Domain errors (FedsegError from src/core: a bad plan, an undecodable update, a weights
 * mismatch) that reach the HTTP layer are the client's fault: 400 or 422 with their code.
 */
const DOMAIN_STATUS: Readonly<Record<string, HttpStatus>> = {
  WEIGHTS_MISMATCH: 422,
  MESSAGE_INVALID: 400,
  UPDATE_TOO_LARGE: 413,
  UPDATE_MALFORMED: 400,
  UPDATE_META_INVALID: 400,
  UPDATE_HASH_MISMATCH: 400,
  UPDATE_PLAN_MISMATCH: 409,
  UPDATE_WRONG_ROUND: 409,
  UPDATE_BASE_MISMATCH: 409,
  UPDATE_SITE_MISMATCH: 403,
  UPDATE_CODEC_MISMATCH: 422,
  UPDATE_SHAPE: 422,
  UPDATE_SAMPLE_COUNT: 422,
  UPDATE_NONFINITE: 422,
};

/**
 * Domain errors that mean the coordinator itself is broken (its disk, its aggregate, its own
 * models: a site's update fails as UPDATE_*, the coordinator's global model as MODEL_*): 500.
 * The site-facing MODEL_NOT_FOUND and MODEL_MISMATCH are HttpErrors and keep their status.
 */
const SERVER_FAULT = /^(BLOB_|AGGREGATION_|MODEL_|PLATFORM_)/;

/** The status and body for any thrown value; `unknown` is true for errors that are our bug (500). */
export function errorAnswer(err: unknown): { status: HttpStatus; body: ErrorBody; unknown: boolean } {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message } }, unknown: false };
  }
  if (err instanceof FedsegError && !SERVER_FAULT.test(err.code)) {
    const status = DOMAIN_STATUS[err.code] ?? 400;
    return { status, body: { error: { code: err.code, message: err.message } }, unknown: false };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error; the coordinator logged it' } },
    unknown: true,
  };
}
