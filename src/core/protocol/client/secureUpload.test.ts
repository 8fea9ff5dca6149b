/**
 * A site's side of secure aggregation against a coordinator that starts the round's
 * secure aggregation over after this site answered the unmask request: the new attempt
 * masks the same update again, so the site unmasks it only for the same survivors.
 * The coordinator here is a real SecAggServer per attempt, with two other real
 * SecAggClients, behind the few ProtocolClient calls secureUpload makes.
 */
import { describe, expect, it } from 'vitest';
import { randomWeights } from '../../aggregation/testWeights.ts';
import { SecAggClient } from '../../privacy/secAggClient.ts';
import { SecAggServer } from '../../privacy/secAggServer.ts';
import type { SecAggAdvertise, SecAggShares, SecAggUnmaskResponse } from '../../privacy/secAggMessages.ts';
import { specOf } from '../weightSpec.ts';
import type { ProtocolClient } from './protocolClient.ts';
import { ProtocolError } from './protocolError.ts';
import { secureUpload } from './secureUpload.ts';

const ROUND = 2;
const SHAPES = [[6], [2, 3]];
const spec = specOf(randomWeights(0, 1, SHAPES));

/**
 * A coordinator whose attempt k has the other sites in `uploaders[k]` upload their masked
 * inputs; after this site's unmask answer it starts the next attempt (the site hears
 * SECAGG_NOT_IN_ROUND), until the last attempt, whose round then closes.
 */
function restartingCoordinator(uploaders: readonly (readonly string[])[]) {
  const others = ['site-b', 'site-c'];
  let attempt = -1;
  let server!: SecAggServer;
  let clients = new Map<string, SecAggClient>();
  const unmaskAnswers: SecAggUnmaskResponse[] = [];
  const begin = async () => {
    attempt++;
    server = new SecAggServer({ round: ROUND, spec, clipRange: 0.5, thresholdFraction: 2 / 3 });
    clients = new Map();
    for (const id of others) {
      const c = await SecAggClient.create(id, ROUND, 1);
      clients.set(id, c);
      server.addAdvertise(await c.advertise());
    }
  };
  const ready = (message: unknown) => ({ round: ROUND, phase: 'x', ready: true, message });
  const accepted = { status: 'accepted' as const, round: ROUND, phase: 'x' };
  const client = {
    async secAggPost(_round: number, kind: string, message: unknown) {
      if (kind === 'advertise') {
        await begin();
        server.addAdvertise(message as SecAggAdvertise);
      } else if (kind === 'shares') {
        server.addShares(message as SecAggShares);
        for (const c of clients.values()) server.addShares(await c.shareKeys(server.roster()));
        for (const c of clients.values()) await c.receiveShares(server.sharesFor(c.siteId));
      } else {
        unmaskAnswers.push(message as SecAggUnmaskResponse);
      }
      return accepted;
    },
    async secAggMasked(_round: number, bytes: Uint8Array) {
      server.addMaskedInput('site-a', bytes);
      for (const id of uploaders[attempt]!) server.addMaskedInput(id, await clients.get(id)!.maskedInput(randomWeights(5, 0.1, SHAPES)));
      return { ...accepted, uploadHash: 'h' };
    },
    async secAggWait(_round: number, kind: string, waitS: number) {
      if (kind === 'roster') return ready(server.roster());
      if (kind === 'shares') return ready(server.sharesFor('site-a'));
      // the poll of a site that answered: the round's secure aggregation started over
      if (waitS === 0 && attempt < uploaders.length - 1) throw new ProtocolError(409, 'SECAGG_NOT_IN_ROUND', 'started over');
      return ready(server.unmaskRequest());
    },
    async waitForRound() {
      return { round: ROUND, finished: attempt === uploaders.length - 1 && unmaskAnswers.length === uploaders.length };
    },
  };
  return { client: client as unknown as ProtocolClient, unmaskAnswers, attempts: () => attempt + 1 };
}

const upload = (client: ProtocolClient) => secureUpload({ client, siteId: 'site-a', round: ROUND, weight: 1, delta: randomWeights(1, 0.1, SHAPES), pollSeconds: 1 });

describe('secureUpload when the round starts over after it unmasked', () => {
  it('refuses to unmask the same update over other survivors (their difference would be one site\'s update)', async () => {
    // attempt 1: all three upload; attempt 2: site-c drops, so sum(1) - sum(2) would be site-c's update
    const coord = restartingCoordinator([['site-b', 'site-c'], ['site-b']]);
    await expect(upload(coord.client)).rejects.toThrow(expect.objectContaining({ code: 'SECAGG_REFUSED', message: expect.stringContaining('already unmasked the sum of site-a, site-b, site-c') }));
    expect(coord.attempts()).toBe(2);
    expect(coord.unmaskAnswers).toHaveLength(1);
  });

  it('records the answered round before the answer is sent; restarted, it sits that round (and earlier ones) out', async () => {
    let saved = null as { round: number; survivors: readonly string[] } | null;
    let savedWhenSent = null as typeof saved;
    const record = {
      latest: async () => saved,
      save: async (round: number, survivors: readonly string[]) => void (saved = { round, survivors }),
    };
    const first = restartingCoordinator([['site-b', 'site-c']]);
    const post = first.client.secAggPost.bind(first.client);
    first.client.secAggPost = (async (round: number, kind: 'advertise' | 'shares' | 'unmask', message: unknown) => {
      if (kind === 'unmask') savedWhenSent = saved;
      return post(round, kind, message as never);
    }) as ProtocolClient['secAggPost'];
    const run = (client: ProtocolClient, round = ROUND) => secureUpload({ client, siteId: 'site-a', round, weight: 1, delta: randomWeights(1, 0.1, SHAPES), pollSeconds: 1, record });
    await expect(run(first.client)).resolves.toMatchObject({ answeredUnmask: true });
    expect(savedWhenSent).toEqual({ round: ROUND, survivors: ['site-a', 'site-b', 'site-c'] });
    // restarted (a reload): it trained the round again, its update may differ; even the same sites get no second sum
    for (const round of [ROUND, ROUND - 1]) {
      const again = restartingCoordinator([['site-b', 'site-c']]);
      await expect(run(again.client, round)).rejects.toThrow(expect.objectContaining({ code: 'SECAGG_REFUSED', message: expect.stringContaining('sits this round out') }));
      expect(again.attempts()).toBe(0);
    }
  });

  it('refuses an unmask request that names a site twice (the same length as an honest one, over fewer sites)', async () => {
    // attempt 1 asks over [a, b, b]: answered, it would let attempt 2's [a, b, c] pass a length check
    const coord = restartingCoordinator([['site-b', 'site-c']]);
    const wait = coord.client.secAggWait.bind(coord.client);
    coord.client.secAggWait = (async (round: number, kind: 'roster' | 'shares' | 'unmask', waitS: number) => {
      const answer = await wait(round, kind, waitS);
      if (kind !== 'unmask' || !answer.ready) return answer;
      const request = answer.message as { survivors: string[]; dropped: string[] };
      return { ...answer, message: { ...request, survivors: ['site-a', 'site-b', 'site-b'], dropped: [...request.dropped, 'site-c'] } };
    }) as ProtocolClient['secAggWait'];
    await expect(upload(coord.client)).rejects.toThrow(expect.objectContaining({ code: 'SECAGG_REFUSED', message: expect.stringContaining('names a site twice') }));
    expect(coord.unmaskAnswers).toHaveLength(0);
  });

  it('answers again for the same survivors: the same sum, nothing new', async () => {
    const coord = restartingCoordinator([['site-b', 'site-c'], ['site-b', 'site-c']]);
    await expect(upload(coord.client)).resolves.toMatchObject({ answeredUnmask: true });
    expect(coord.unmaskAnswers).toHaveLength(2);
  });
});
