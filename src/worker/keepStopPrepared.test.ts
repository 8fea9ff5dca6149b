import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreparedRequest } from '../core/protocol/client/protocolClient.ts';
import { keepStopPrepared } from './keepStopPrepared.ts';

const request = (n: number): PreparedRequest => ({ url: 'http://x/api/v1/me/participation', method: 'POST', headers: { 'x-fedseg-nonce': `n${n}` }, body: '{"participating":false}' });

describe('keepStopPrepared', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the page a signed stop at once and a fresh one every refresh, then none once ended', async () => {
    vi.useFakeTimers();
    let n = 0;
    const given: (PreparedRequest | null)[] = [];
    const end = keepStopPrepared({ preparedStop: () => Promise.resolve(request(++n)) }, (r) => given.push(r), 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(given).toEqual([request(1)]);
    await vi.advanceTimersByTimeAsync(2500);
    expect(given).toEqual([request(1), request(2), request(3)]);
    end();
    await vi.advanceTimersByTimeAsync(5000);
    expect(given).toEqual([request(1), request(2), request(3), null]);
  });

  it('does not give a signature that was made after the run ended, nor stop for one that failed', async () => {
    vi.useFakeTimers();
    let sign!: (r: PreparedRequest) => void;
    const given: (PreparedRequest | null)[] = [];
    const end = keepStopPrepared({ preparedStop: () => new Promise((resolve) => (sign = resolve)) }, (r) => given.push(r), 1000);
    end();
    sign(request(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(given).toEqual([null]);

    const failing = keepStopPrepared({ preparedStop: () => Promise.reject(new Error('NOT_JOINED')) }, (r) => given.push(r), 1000);
    await vi.advanceTimersByTimeAsync(1500);
    failing();
    expect(given).toEqual([null, null]);
  });
});
