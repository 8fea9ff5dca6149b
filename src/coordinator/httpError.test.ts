import { describe, expect, it } from 'vitest';
import { FedsegError } from '../core/util/errors.ts';
import { errorAnswer, HttpError } from './httpError.ts';

describe('errorAnswer', () => {
  it("answers a site's bad update 4xx with its code, and the coordinator's own model or disk failing 500", () => {
    expect(errorAnswer(new FedsegError('UPDATE_NONFINITE', 'update: w0 holds NaN'))).toMatchObject({ status: 422, unknown: false, body: { error: { code: 'UPDATE_NONFINITE' } } });
    // the global model the coordinator made is not the site's fault
    for (const code of ['MODEL_NONFINITE', 'MODEL_SHAPE', 'MODEL_MALFORMED', 'BLOB_CORRUPT', 'AGGREGATION_FAILED']) {
      expect(errorAnswer(new FedsegError(code, 'x')), code).toMatchObject({ status: 500, unknown: true, body: { error: { code: 'INTERNAL' } } });
    }
    expect(errorAnswer(new HttpError(404, 'MODEL_NOT_FOUND', 'no model'))).toMatchObject({ status: 404, body: { error: { code: 'MODEL_NOT_FOUND' } } });
    expect(errorAnswer(new Error('bug'))).toMatchObject({ status: 500, unknown: true });
  });
});
