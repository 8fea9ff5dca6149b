/**
 * Secure aggregation of one simulated round, with the real protocol objects: one
 * SecAggClient per site and one SecAggServer, through every phase (advertise, roster,
 * sealed key shares, masked uploads, unmasking). The sites' key set-up runs before
 * training; each site's masked upload (uint32 per weight) goes into the server's running
 * sum; finish() unmasks and gives the weighted mean of the (clipped, quantised) updates.
 */
import type { WeightSet } from '../../core/types/weights.ts';
import type { WeightSpec } from '../../core/protocol/weightSpec.ts';
import { SecAggClient } from '../../core/privacy/secAggClient.ts';
import { SecAggServer } from '../../core/privacy/secAggServer.ts';
import { FedsegError } from '../../core/util/errors.ts';

export interface SecureRoundOptions {
  readonly round: number;
  readonly spec: WeightSpec;
  readonly clipRange: number;
  readonly thresholdFraction: number;
  readonly sites: readonly { id: string; weight: number }[];
}

export interface SecureRound {
  /** mask and hand in one site's update; resolves to the bytes it uploaded */
  upload(siteId: string, update: WeightSet): Promise<number>;
  /** unmask: the weighted mean of the uploaded updates */
  finish(): Promise<WeightSet>;
}

export async function beginSecureRound(o: SecureRoundOptions): Promise<SecureRound> {
  const server = new SecAggServer({ round: o.round, spec: o.spec, clipRange: o.clipRange, thresholdFraction: o.thresholdFraction });
  const clients = new Map<string, SecAggClient>();
  for (const s of o.sites) {
    const c = await SecAggClient.create(s.id, o.round, s.weight);
    clients.set(s.id, c);
    server.addAdvertise(await c.advertise());
  }
  const roster = server.roster();
  for (const c of clients.values()) server.addShares(await c.shareKeys(roster));
  for (const c of clients.values()) await c.receiveShares(server.sharesFor(c.siteId));
  const client = (id: string): SecAggClient => {
    const c = clients.get(id);
    if (!c) throw new FedsegError('SECAGG_NOT_IN_ROUND', `simulated secure round ${o.round}: no site "${id}"`);
    return c;
  };
  return {
    async upload(siteId, update) {
      const bytes = await client(siteId).maskedInput(update);
      server.addMaskedInput(siteId, bytes);
      return bytes.length;
    },
    async finish() {
      const req = server.unmaskRequest();
      for (const c of clients.values()) server.addUnmaskResponse(c.unmask(req));
      return (await server.finish()).meanDelta;
    },
  };
}
