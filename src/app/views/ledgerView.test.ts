import { describe, expect, it } from 'vitest';
import { ledgerTotals, statusText } from './ledgerView.ts';

describe('the privacy ledger', () => {
  it('says which requests were refused or had no answer', () => {
    expect([200, 201, 409, 503, 0].map(statusText)).toEqual(['200', '201', '409 refused', '503 refused', 'failed (no answer)']);
  });

  it('totals the requests by kind, an unknown received size counting as nothing', () => {
    const e = (kind: 'plan' | 'update upload', sent: number, received: number) => ({ seq: 1, at: 0, method: 'GET', path: '/', kind, sentBytes: sent, receivedBytes: received, status: 200 });
    expect([...ledgerTotals([e('plan', 0, 100), e('update upload', 5000, 20), e('update upload', 5000, -1)])]).toEqual([
      ['plan', { count: 1, sent: 0, received: 100 }], ['update upload', { count: 2, sent: 10000, received: 20 }],
    ]);
  });
});
