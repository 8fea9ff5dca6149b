import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FederationInfo, SiteEventForPage } from '../../worker/workerApi.ts';
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
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.stringContaining('trying again in 2 s'), unreachable: true });
    await vi.advanceTimersByTimeAsync(2000);
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.stringContaining('trying again in 4 s'), unreachable: true });
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
    expect(state.federation.value).toEqual({ status: 'failed', error: expect.not.stringContaining('trying again'), unreachable: false });
  });
});

describe('AppState.initBackend', () => {
  it('asks the Worker once when called again while it chooses, and again after a failure', async () => {
    const info = { backend: 'wasm' };
    const init = vi.fn().mockRejectedValueOnce(new Error('no adapter')).mockResolvedValue(info);
    const state = new AppState({ init } as unknown as WorkerRemote, 'http://x');
    expect(await Promise.all([state.initBackend(), state.initBackend()])).toEqual([undefined, undefined]);
    expect(state.backend.value).toEqual({ status: 'failed', error: 'no adapter' });
    expect(await Promise.all([state.initBackend(), state.initBackend()])).toEqual([info, info]);
    expect(await state.initBackend()).toBe(info);
    expect(init).toHaveBeenCalledTimes(2);
  });
});

describe('AppState.workerFailed', () => {
  it('ends every wait the page shows: backend, connection and a running participation', () => {
    const state = new AppState({} as WorkerRemote, 'http://x');
    state.progress.set({ phase: 'training', round: 2, rounds: 5, message: 'Round 2: training step 3 of 10' });
    state.workerFailed('its script could not be loaded');
    expect(state.fatal.value).toContain('its script could not be loaded');
    expect(state.backend.value).toMatchObject({ status: 'failed', error: expect.stringContaining('reload the page') });
    expect(state.federation.value).toMatchObject({ status: 'failed' });
    expect(state.progress.value).toMatchObject({ phase: 'failed', round: 2 });
  });
});

describe('AppState.connect, tried again by hand', () => {
  afterEach(() => vi.useRealTimers());

  it('replaces the pending retry instead of adding a second loop', async () => {
    vi.useFakeTimers();
    const connect = vi.fn().mockRejectedValue(unreachable);
    const state = new AppState({ connect } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    expect(state.federation.value).toMatchObject({ status: 'failed', unreachable: true });
    await state.connect(); // Try again, while the 2 s retry is pending
    await vi.advanceTimersByTimeAsync(2000);
    // one retry after 2 s (of the second attempt), not two
    expect(connect).toHaveBeenCalledTimes(3);
  });
});

describe('AppState.persistence', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("asks once that the storage be kept, when the browser holds a site's key (at connect or after the join), and not before", async () => {
    const persist = vi.fn().mockResolvedValue(true);
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    const joinedInfo = { baseUrl: 'http://x', identity: { siteId: 's1' } } as unknown as FederationInfo;
    const notJoined = new AppState({ connect: vi.fn().mockResolvedValue({ ...joinedInfo, identity: null }) } as unknown as WorkerRemote, 'http://x');
    await notJoined.connect();
    expect(persist).not.toHaveBeenCalled();
    expect(notJoined.persistence.value).toBeNull();
    notJoined.joined({ siteId: 's1' } as never);
    await vi.waitFor(() => expect(notJoined.persistence.value).toBe('persisted'));

    const state = new AppState({ connect: vi.fn().mockResolvedValue(joinedInfo) } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    await state.connect();
    await vi.waitFor(() => expect(state.persistence.value).toBe('persisted'));
    expect(persist).toHaveBeenCalledTimes(2);
  });

  it('says refused when the browser does not grant it', async () => {
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist: async () => false } });
    const state = new AppState({ connect: vi.fn().mockResolvedValue({ baseUrl: 'http://x', identity: { siteId: 's1' } }) } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    await vi.waitFor(() => expect(state.persistence.value).toBe('refused'));
  });

  it('asks again when told to, and shows what the browser answers then (granted after a bookmark, say)', async () => {
    const persist = vi.fn().mockResolvedValueOnce(false).mockResolvedValue(true);
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    const state = new AppState({ connect: vi.fn().mockResolvedValue({ baseUrl: 'http://x', identity: { siteId: 's1' } }) } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    await vi.waitFor(() => expect(state.persistence.value).toBe('refused'));
    expect(await state.askPersistence()).toBe('persisted');
    expect(state.persistence.value).toBe('persisted');
    expect(persist).toHaveBeenCalledTimes(2);
  });
});

describe('AppState, on the Worker\'s site events', () => {
  async function connected() {
    let emit: (e: SiteEventForPage) => void = () => undefined;
    const connect = vi.fn(async (_url: string, cb: (e: SiteEventForPage) => void) => {
      emit = cb;
      return { baseUrl: 'http://x' } as unknown as FederationInfo;
    });
    const state = new AppState({ connect } as unknown as WorkerRemote, 'http://x');
    await state.connect();
    return { state, emit: (e: SiteEventForPage) => emit(e) };
  }

  it('words a refused update as a warning and marks the round\'s update as not used', async () => {
    const { state, emit } = await connected();
    emit({ kind: 'trained', round: 22, meanLoss: 0.5, lastLoss: 0.4, uploadBytes: 1000, status: 'accepted' });
    emit({ kind: 'refused', round: 22, what: 'update', code: 'ROUND_CLOSED', message: 'update: round 22 is closed (the current round is 23); fetch the round again' });
    expect(state.notices.value).toEqual([{ tone: 'warning', text: expect.stringMatching(/^Round 22 closed before this site's update arrived .* \[ROUND_CLOSED\]$/) }]);
    expect(state.history.value).toEqual([{ round: 22, meanLoss: 0.5, lastLoss: 0.4, uploadBytes: 1000, updateNotUsed: 'the round closed first' }]);
    // refused scores leave the update column alone
    emit({ kind: 'refused', round: 23, what: 'evaluation', code: 'ROUND_CLOSED', message: 'x' });
    expect(state.history.value.find((r) => r.round === 23)).toBeUndefined();
  });

  it('keeps each notice\'s tone', async () => {
    const { state, emit } = await connected();
    emit({ kind: 'notice', message: 'Prepared 2 training cases', tone: 'info' });
    emit({ kind: 'notice', message: 'Case c is left out', tone: 'warning' });
    expect(state.notices.value).toEqual([{ text: 'Prepared 2 training cases', tone: 'info' }, { text: 'Case c is left out', tone: 'warning' }]);
  });
});

describe('AppState.tabClosing', () => {
  it('sends the stop the Worker prepared, once, as a keepalive request; nothing once the run ended', () => {
    let onEvent!: (e: SiteEventForPage) => void;
    const connect = vi.fn((_url: string, cb: (e: SiteEventForPage) => void) => {
      onEvent = cb;
      return new Promise<FederationInfo>(() => undefined);
    });
    const state = new AppState({ connect } as unknown as WorkerRemote, 'http://x');
    void state.connect();
    const sent: [string, RequestInit][] = [];
    const fetchFn = (url: string, init: RequestInit) => {
      sent.push([url, init]);
      return Promise.resolve();
    };
    state.tabClosing(fetchFn);
    expect(sent).toEqual([]);
    const request = { url: 'http://x/api/v1/me/participation', method: 'POST', headers: { 'x-fedseg-nonce': 'n1' }, body: '{"participating":false}' };
    onEvent({ kind: 'stop-on-close', request });
    state.tabClosing(fetchFn);
    state.tabClosing(fetchFn);
    expect(sent).toEqual([[request.url, { method: 'POST', headers: request.headers, body: request.body, keepalive: true }]]);
    onEvent({ kind: 'stop-on-close', request });
    onEvent({ kind: 'stop-on-close', request: null });
    state.tabClosing(fetchFn);
    expect(sent).toHaveLength(1);
  });
});
