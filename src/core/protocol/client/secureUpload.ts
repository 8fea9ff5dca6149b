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
 * With an UnmaskRecord the site keeps that set across its own restarts (a reloaded page or
 * a restarted collaborator trains the round again and masks it again): it is saved before
 * the answer is sent.
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
}

export interface SecureUploadResult {
  readonly status: 'accepted' | 'duplicate';
  /** bytes of the masked input */
  readonly bytes: number;
  /** false when the site stopped after its masked upload */
  readonly answeredUnmask: boolean;
}

/**
 * Where a site keeps, across its own restarts, the survivors it unmasked a round's sum for
 * (the page: IndexedDB; `fedseg collaborate`: a file beside its key file).
 */
export interface UnmaskRecord {
  /** the survivors of the unmask request answered in `round`; null when none was */
  load(round: number): Promise<readonly string[] | null>;
  save(round: number, survivors: readonly string[]): Promise<void>;
}

/** what a site answered in this round so far, kept across the round's attempts */
interface RoundMemory {
  /** the survivors of the unmask request this site answered; null before it answered one */
  unmaskedFor: readonly string[] | null;
}

export async function secureUpload(o: SecureUploadOptions): Promise<SecureUploadResult> {
  const restarts = o.maxRestarts ?? 3;
  const memory: RoundMemory = { unmaskedFor: (await o.record?.load(o.round)) ?? null };
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
  const sa = await SecAggClient.create(o.siteId, round, o.weight);
  await client.secAggPost(round, 'advertise', await sa.advertise());
  const roster = await waitFor(o, 'roster', SecAggRosterSchema);
  await client.secAggPost(round, 'shares', await sa.shareKeys(roster));
  await sa.receiveShares(await waitFor(o, 'shares', SecAggSharesForSchema));
  const masked = await sa.maskedInput(o.delta);
  const up = await client.secAggMasked(round, masked);
  if (o.stopAfterMasked) return { status: up.status, bytes: masked.length, answeredUnmask: false };
  const request = await waitFor(o, 'unmask', SecAggUnmaskRequestSchema);
  const before = memory.unmaskedFor;
  if (before && (before.length !== request.survivors.length || before.some((id) => !request.survivors.includes(id)))) {
    throw new ProtocolError(0, 'SECAGG_REFUSED', `secure aggregation round ${round}: this site already unmasked the sum of ${before.join(', ')}; it refuses to unmask the same updates again over ${request.survivors.join(', ')}, as the difference of the two sums would reveal a site's update`);
  }
  const response = sa.unmask(request);
  memory.unmaskedFor = [...request.survivors];
  // saved before it is sent: a site that stops right after sending still knows it answered
  await o.record?.save(round, memory.unmaskedFor);
  await client.secAggPost(round, 'unmask', response);
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
    const status = await o.client.waitForRound(o.round, o.pollSeconds ?? 30);
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
    const answer = await o.client.secAggWait(o.round, kind, o.pollSeconds ?? 30);
    if (answer.ready) return parseMessage(schema, answer.message, `secure aggregation ${kind} for round ${o.round}`);
  }
}
