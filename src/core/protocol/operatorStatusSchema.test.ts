import { describe, expect, it } from 'vitest';
import { parseMessage } from './messages.ts';
import { OperatorStatusSchema, type OperatorStatus } from './operatorStatusSchema.ts';
import { DEMO_PLAN } from './plan.ts';

const status: OperatorStatus = {
  federation: 'demo', planHash: 'a'.repeat(64), plan: DEMO_PLAN, notice: null,
  current: { federation: 'demo', planHash: 'a'.repeat(64), round: 2, rounds: 3, state: 'collecting', finished: false, globalModelHash: 'b'.repeat(64), deadline: 70_000, expectedSites: 1, reportedSites: 0, minSites: 1 },
  sites: [{ id: 'hospital-a-1', name: 'Hospital A', status: 'active', invitedAt: 0, joinedAt: 1, lastSeenAt: 2, pausedAt: null, revokedAt: null }],
  rounds: [{
    round: 1, status: 'closed', globalModel: 'c'.repeat(64), resultModel: 'b'.repeat(64), openedAt: 0, deadline: 1, closedAt: 2, extensions: 0,
    updates: [{ siteId: 'hospital-a-1', sampleCount: 7, bytes: 10, codec: 'float32', receivedAt: 1, metrics: { loss: 0.3 }, norm: 2.5 }],
    evaluations: [], evaluation: null, summary: { reason: 'all-reported' },
  }],
  final: null,
};

describe('OperatorStatusSchema', () => {
  it("takes the coordinator's view as it is, and names what a coordinator of another shape sent", () => {
    expect(parseMessage(OperatorStatusSchema, JSON.parse(JSON.stringify(status)), 'GET /status')).toEqual(status);
    // a coordinator older than revokedAt: read as not revoked
    const { revokedAt: __, ...beforeRevokedAt } = status.sites[0]!;
    expect(parseMessage(OperatorStatusSchema, { ...status, sites: [beforeRevokedAt] }, 'GET /status').sites[0]!.revokedAt).toBeNull();
    const { lastSeenAt: _, ...older } = status.sites[0]!;
    const bad = { ...status, sites: [older], rounds: [{ ...status.rounds[0]!, updates: [{ ...status.rounds[0]!.updates[0]!, norm: 'big' }] }] };
    expect(() => parseMessage(OperatorStatusSchema, bad, 'GET /status')).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID', message: expect.stringMatching(/GET \/status.*sites\.0\.lastSeenAt.*rounds\.0\.updates\.0\.norm/s) }),
    );
  });
});
