/**
 * A small operator status for tests: sites a, b, c (active), d (invited) and e (revoked);
 * round 1 with updates from a and b and an evaluation, round 2 (the current one,
 * collecting) with b's update so far. `patch` and `current` replace parts of it.
 */
import { DEMO_PLAN } from '../plan.ts';
import type { OperatorStatus, RoundView } from '../operatorStatusSchema.ts';

export const scores = (x: number) => ({ ET: x, TC: x + 0.1, WT: x + 0.2 });
export const siteEntry = (id: string, status: 'invited' | 'active' | 'revoked' = 'active', pausedAt: number | null = null) => ({ id, name: id.toUpperCase(), status, invitedAt: 0, joinedAt: status === 'invited' ? null : 0, lastSeenAt: null, pausedAt, revokedAt: status === 'revoked' ? 0 : null });
export const siteUpdate = (siteId: string, norm?: number): RoundView['updates'][number] => ({ siteId, sampleCount: 3, bytes: 10, codec: 'float32', receivedAt: 1, metrics: {}, ...(norm === undefined ? {} : { norm }) });
export const roundView = (n: number, updates: RoundView['updates'], evaluation: number | null): RoundView => ({
  round: n, status: 'closed', globalModel: 'c'.repeat(64), resultModel: null, openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
  updates, evaluations: [], evaluation: evaluation === null ? null : { cases: 4, sites: 2, dice: scores(evaluation), hd95: scores(9) }, summary: null,
});

export function operatorStatusFixture(patch: Partial<OperatorStatus> = {}, current: Partial<OperatorStatus['current']> = {}): OperatorStatus {
  return {
    federation: 'demo', planHash: 'a'.repeat(64), plan: DEMO_PLAN, notice: null,
    current: { federation: 'demo', planHash: 'a'.repeat(64), round: 2, rounds: 3, state: 'collecting', finished: false, globalModelHash: 'b'.repeat(64), deadline: 70_000, expectedSites: 3, reportedSites: 1, minSites: 2, ...current },
    sites: [siteEntry('a'), siteEntry('b'), siteEntry('c'), siteEntry('d', 'invited'), siteEntry('e', 'revoked')],
    rounds: [roundView(1, [siteUpdate('a', 2), siteUpdate('b', 3)], 0.2), roundView(2, [siteUpdate('b', 2.5)], null)],
    final: null,
    ...patch,
  };
}
