/**
 * A site's side of secure aggregation over HTTP (Bonawitz et al., CCS 2017), platform-free
 * (fetch + WebCrypto through ProtocolClient and SecAggClient): instead of uploading its
 * update, the site
 *   1. advertises two fresh ECDH public keys and its weight,
 *   2. waits for the roster, secret-shares its self-mask seed and mask key, and posts each
 *      share sealed for its receiver (the coordinator routes them, it cannot open them),
 *   3. waits for the shares sealed for it,
 *   4. uploads its masked input (update quantised to Z_2^32 plus self and pairwise masks),
 *   5. waits for the unmask request and answers it with the shares it holds,
 *   6. stays until the round closes, in case its secure aggregation starts over.
 * If the coordinator says this site is not part of the round's secure aggregation (it
 * restarted, or the round's secure aggregation started over), the site starts again from
 * step 1 with new keys, up to `maxRestarts` times.
 *
 * Starting over masks the same update again. Once this site has answered an unmask request,
 * it answers a later attempt of the round only for the same survivors: two sums of the same
 * updates over different sets of sites would give the coordinator their difference, the
 * update of a site in one set and not the other. It refuses any other set (SECAGG_REFUSED).
 * An unmask request that names a site twice is refused too (the sets would compare equal
 * by length while the sites differ).
 *
 * With an UnmaskRecord the site remembers, across its own restarts, the latest round it
 * answered an unmask request in (saved before the answer is sent). A restarted site (a
 * reloaded page, a restarted collaborator) trains the round again, and its new update may
 * differ from the first (other cases, a GPU's rounding): a second sum, even over the same
 * sites, would reveal the difference. So it sits that round out, and any earlier round a
 * coordinator may offer again (SECAGG_REFUSED, which costs the round, not the participation).
 */
import type { WeightSet } from '../../types/weights.ts';
import type { z } from 'zod';
import { SecAggClient } from '../../privacy/secAggClient.ts';
import { SecAggRosterSchema, SecAggSharesForSchema, SecAggUnmaskRequestSchema } from '../../privacy/secAggMessages.ts';
import { parseMessage } from '../messages.ts';
import type { ProtocolClient } from './protocolClient.ts';
import { ProtocolError } from './protocolError.ts';

export interface SecureUploadOptions {
  readonly client: ProtocolClient;
  readonly siteId: string;
  readonly round: number;
  /** the site's weight in the mean: aggregationWeight of its plan (case count, or 1) */
  readonly weight: number;
  readonly delta: WeightSet;
  readonly pollSeconds?: number;
  readonly signal?: { readonly aborted: boolean };
  /** stop right after the masked upload (a site that drops before unmasking; for tests) */
  readonly stopAfterMasked?: boolean;
  readonly maxRestarts?: number;
  /** keeps the answered unmask request's survivors across restarts of the site */
  readonly record?: UnmaskRecord;
  /**
   * How each request is made: runSite waits out a coordinator outage here as it does for a
   * plain upload (untilReachable). Every request may be repeated: a phase's second answer
   * is a duplicate, and a coordinator that restarted meanwhile answers SECAGG_NOT_IN_ROUND,
   * which starts this site over with new keys. Default: once, as the client's retries allow.
   */
  readonly reach?: <T>(what: string, request: () => Promise<T>) => Promise<T>;
}

const once = <T>(_what: string, request: () => Promise<T>): Promise<T> => request();

export interface SecureUploadResult {
  readonly status: 'accepted' | 'duplicate';
  /** bytes of the masked input */
  readonly bytes: number;
  /** false when the site stopped after its masked upload */
  readonly answeredUnmask: boolean;
}

/**
 * Where a site keeps, across its own restarts, the latest round it answered an unmask
 * request in (the page: IndexedDB; `fedseg collaborate`: a file beside its key file).
 */
export interface UnmaskRecord {
  /** the latest answered round of this site and plan, with the survivors it answered for; null when none */
  latest(): Promise<{ readonly round: number; readonly survivors: readonly string[] } | null>;
  save(round: number, survivors: readonly string[]): Promise<void>;
}

/** the same sites, each named once (set equality; the request was checked for repeats) */
const sameSites = (a: readonly string[], b: readonly string[]): boolean => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((id) => sb.has(id));
};

/** what a site answered in this round so far, kept across the round's attempts */
interface RoundMemory {
  /** the survivors of the unmask request this site answered; null before it answered one */
  unmaskedFor: readonly string[] | null;
}

export async function secureUpload(o: SecureUploadOptions): Promise<SecureUploadResult> {
  const restarts = o.maxRestarts ?? 3;
  const last = await o.record?.latest();
  if (last && last.round >= o.round) {
    throw new ProtocolError(0, 'SECAGG_REFUSED', `secure aggregation round ${o.round}: this site answered the unmask request of round ${last.round} before it restarted; it sits this round out (a second sum of the round, even over the same sites, would reveal the difference between its two updates)`);
  }
  const memory: RoundMemory = { unmaskedFor: null };
  for (let attempt = 0; ; attempt++) {
    try {
      return await secureUploadOnce(o, memory);
    } catch (e) {
      if (e instanceof ProtocolError && e.code === 'SECAGG_NOT_IN_ROUND' && attempt < restarts) continue;
      throw e;
    }
  }
}

async function secureUploadOnce(o: SecureUploadOptions, memory: RoundMemory): Promise<SecureUploadResult> {
  const { client, round } = o;
  const reach = o.reach ?? once;
  const sa = await SecAggClient.create(o.siteId, round, o.weight);
  const advertised = await sa.advertise();
  await reach('secure aggregation keys', () => client.secAggPost(round, 'advertise', advertised));
  const roster = await waitFor(o, 'roster', SecAggRosterSchema);
  const shares = await sa.shareKeys(roster);
  await reach('secure aggregation shares', () => client.secAggPost(round, 'shares', shares));
  await sa.receiveShares(await waitFor(o, 'shares', SecAggSharesForSchema));
  const masked = await sa.maskedInput(o.delta);
  const up = await reach('masked update upload', () => client.secAggMasked(round, masked));
  if (o.stopAfterMasked) return { status: up.status, bytes: masked.length, answeredUnmask: false };
  const request = await waitFor(o, 'unmask', SecAggUnmaskRequestSchema);
  if (new Set(request.survivors).size !== request.survivors.length) {
    throw new ProtocolError(0, 'SECAGG_REFUSED', `secure aggregation round ${round}: the unmask request names a site twice (${request.survivors.join(', ')}); this site does not answer it`);
  }
  const before = memory.unmaskedFor;
  if (before && !sameSites(before, request.survivors)) {
    throw new ProtocolError(0, 'SECAGG_REFUSED', `secure aggregation round ${round}: this site already unmasked the sum of ${before.join(', ')}; it refuses to unmask the same updates again over ${request.survivors.join(', ')}, as the difference of the two sums would reveal a site's update`);
  }
  const response = sa.unmask(request);
  memory.unmaskedFor = [...request.survivors];
  // saved before it is sent: a site that stops right after sending still knows it answered
  await o.record?.save(round, memory.unmaskedFor);
  await reach('unmask answer', () => client.secAggPost(round, 'unmask', response));
  await untilRoundCloses(o);
  return { status: up.status, bytes: masked.length, answeredUnmask: true };
}

/**
 * A site that answered the unmask request stays with the round until it closes: if too few
 * sites answered in time, or unmasking failed, the round's secure aggregation starts over
 * and this site must take part again (the next unmask-request poll hears SECAGG_NOT_IN_ROUND,
 * and secureUpload starts again from advertising, with the same update). Leaving at once
 * would leave the new attempt to the slow sites alone: it stalls, or averages only them.
 */
async function untilRoundCloses(o: SecureUploadOptions): Promise<void> {
  for (;;) {
    if (o.signal?.aborted) throw new ProtocolError(0, 'ABORTED', `secure aggregation round ${o.round}: aborted while waiting for the round to close`);
    const status = await (o.reach ?? once)('round status', () => o.client.waitForRound(o.round, o.pollSeconds ?? 30));
    if (status.round > o.round || status.finished) return;
    try {
      await o.client.secAggWait(o.round, 'unmask', 0);
    } catch (e) {
      if (e instanceof ProtocolError && e.code === 'SECAGG_NOT_IN_ROUND') throw e;
      // anything else (the round closed or is aggregating between the two requests): the next status tells
    }
  }
}

async function waitFor<S extends z.ZodType>(o: SecureUploadOptions, kind: 'roster' | 'shares' | 'unmask', schema: S): Promise<z.output<S>> {
  for (;;) {
    if (o.signal?.aborted) throw new ProtocolError(0, 'ABORTED', `secure aggregation round ${o.round}: aborted while waiting for the ${kind}`);
    const answer = await (o.reach ?? once)(`secure aggregation ${kind}`, () => o.client.secAggWait(o.round, kind, o.pollSeconds ?? 30));
    if (answer.ready) return parseMessage(schema, answer.message, `secure aggregation ${kind} for round ${o.round}`);
  }
}
