import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FederationInfo } from '../../worker/workerApi.ts';
import type { WorkerRemote } from '../workerClient.ts';
import { AppState } from './appState.ts';

const unreachable = Object.assign(new Error('GET /plan: the coordinator at http://x could not be reached (fetch failed)'), { code: 'UNREACHABLE' });

describe('AppState.connect', () => {
  afterEach(() => vi.useRealTimers());

  it('tries a coordinator that cannot be reached again, 2 s then 4 s later, and connects once it answers', async () => {
    vi.useFakeTimers();
    const info = { baseUrl: 'http://x' } as unknown as FederationInfo;
    const connect = vi.fn().mockRejectedValueOnce(unreachable).mockRejectedValueOnce(unreachable).mockResolvedValue(info);
    const state = new AppState({ connect } as unknown as WorkerRemote, 'http://x');
    expect(await state.connect()).toBeUndefined();
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.stringContaining('trying again in 2 s') });
    await vi.advanceTimersByTimeAsync(2000);
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.stringContaining('trying again in 4 s') });
    await vi.advanceTimersByTimeAsync(4000);
    expect(state.federation.value).toEqual({ status: 'ready', info });
    expect(connect).toHaveBeenCalledTimes(3);
  });

  it('does not retry an answer that refuses (a bad plan, a blocked IndexedDB)', async () => {
    vi.useFakeTimers();
    const connect = vi.fn().mockRejectedValue(Object.assign(new Error('IndexedDB fedseg-site could not be opened'), { code: 'IDB' }));
    const state = new AppState({ connect } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.not.stringContaining('trying again') });
  });
});
