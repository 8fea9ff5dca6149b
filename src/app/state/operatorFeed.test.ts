import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCoordinator } from '../../coordinator/startCoordinator.ts';
import { joinSite, startTestCoordinator, tempDir, testPlan } from '../../coordinator/testing/testFederation.ts';
import { OperatorFeed, type OperatorFeedState } from './operatorFeed.ts';

/** resolves with the first state that `ok` accepts */
function until(feed: OperatorFeed, ok: (s: OperatorFeedState) => boolean): Promise<OperatorFeedState> {
  return new Promise((resolve) => {
    const off = feed.state.subscribe((s) => {
      if (!ok(s)) return;
      queueMicrotask(() => off());
      resolve(s);
    });
  });
}

describe('OperatorFeed, against a real coordinator on loopback', () => {
  const dir = tempDir('fedseg-feed-');
  let coordinator: RunningCoordinator | undefined;
  let feed: OperatorFeed | undefined;
  afterEach(async () => {
    feed?.stop();
    await coordinator?.close();
    coordinator = undefined;
    dir.remove();
  });

  it('shows the checked status, and a site that joins at the next tick', async () => {
    coordinator = await startTestCoordinator(testPlan({ federation: 'feed test' }), dir.path);
    feed = new OperatorFeed({ baseUrl: coordinator.url, token: coordinator.operatorToken, intervalMs: 50 });
    feed.start();
    const first = await until(feed, (s) => s.kind === 'ready');
    expect(first.kind === 'ready' && first.status.federation).toBe('feed test');
    expect(first.kind === 'ready' && first.status.sites).toEqual([]);
    const site = await joinSite(coordinator, 'Hospital A');
    // the site is listed as invited first, then active once it has joined: a tick can fall between the two
    const later = await until(feed, (s) => s.kind === 'ready' && s.status.sites[0]?.status === 'active');
    expect(later.kind === 'ready' && later.status.sites[0]).toMatchObject({ id: site.siteId, name: 'Hospital A', status: 'active' });
  });

  it('stops asking once the token is refused, naming the code', async () => {
    coordinator = await startTestCoordinator(testPlan(), dir.path);
    let requests = 0;
    feed = new OperatorFeed({
      baseUrl: coordinator.url, token: 'not-the-token', intervalMs: 20,
      fetch: (url, init) => {
        requests++;
        return fetch(url, init as RequestInit);
      },
    });
    feed.start();
    const refused = await until(feed, (s) => s.kind === 'refused');
    expect(refused).toMatchObject({ kind: 'refused', code: 'OPERATOR_TOKEN_INVALID' });
    await new Promise((r) => setTimeout(r, 200));
    expect(requests).toBe(1);
  });

  it('keeps the last answer on show while the coordinator cannot be reached, and asks again', async () => {
    coordinator = await startTestCoordinator(testPlan({ federation: 'goes away' }), dir.path);
    feed = new OperatorFeed({ baseUrl: coordinator.url, token: coordinator.operatorToken, intervalMs: 20 });
    feed.start();
    await until(feed, (s) => s.kind === 'ready');
    await coordinator.close();
    coordinator = undefined;
    const failed = await until(feed, (s) => s.kind === 'failed');
    expect(failed.kind === 'failed' && failed.last?.status.federation).toBe('goes away');
    expect(failed.kind === 'failed' && failed.message).toMatch(/status/);
    // still asking: a second failure keeps the same answer on show
    const again = await until(feed, (s) => s !== failed && s.kind === 'failed');
    expect(again.kind === 'failed' && again.last?.status.federation).toBe('goes away');
  });
});

describe('OperatorFeed\'s actions, against a real coordinator on loopback', () => {
  const dir = tempDir('fedseg-feed-actions-');
  afterEach(() => dir.remove());

  it('invites a site and revokes it, each shown at the refresh that follows', async () => {
    const coordinator = await startTestCoordinator(testPlan(), dir.path);
    // a long interval: only the actions' refreshes bring the changes
    const feed = new OperatorFeed({ baseUrl: coordinator.url, token: coordinator.operatorToken, intervalMs: 60_000 });
    try {
      feed.start();
      await until(feed, (s) => s.kind === 'ready');
      const invite = await feed.invite('Hospital B');
      expect(invite.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await until(feed, (s) => s.kind === 'ready' && s.status.sites.some((x) => x.id === invite.siteId && x.status === 'invited'));
      expect(await feed.revoke(invite.siteId)).toEqual({ siteId: invite.siteId, status: 'revoked', alreadyRevoked: false });
      await until(feed, (s) => s.kind === 'ready' && s.status.sites.some((x) => x.id === invite.siteId && x.status === 'revoked'));
      await expect(feed.revoke('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_SITE' });
    } finally {
      feed.stop();
      await coordinator.close();
    }
  });
});
