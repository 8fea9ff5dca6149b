/**
 * Upload bodies of one site: a site whose signature verified may have two upload bodies
 * on their way at once (its upload and a retry of it); a third is refused at once with
 * 503 TOO_MANY_WAITING (which clients retry) instead of being buffered beside them, so
 * one site cannot fill the coordinator's memory; a slot is free again when its upload
 * ends, however it ends. Real loopback HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_HASH_HEADER, SIGNATURE_HEADERS, bodySha256, signRequest } from '../core/protocol/signing.ts';
import type { RunningCoordinator } from './startCoordinator.ts';
import { sendPartly } from './testing/sendPartly.ts';
import { constantDelta, globalWeights, joinSite, startTestCoordinator, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 3600 } });
const path = '/api/v1/rounds/1/update';
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let site: TestSite;
let other: TestSite;

beforeAll(async () => {
  dir = tempDir();
  coord = await startTestCoordinator(plan, dir.path);
  site = await joinSite(coord, 'A');
  other = await joinSite(coord, 'B');
});
afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

/** Headers signed afresh (a new nonce) over `body`, naming its SHA-256 so that they are checked before it. */
async function headersFor(s: TestSite, body: Uint8Array): Promise<Record<string, string>> {
  const hash = await bodySha256(body);
  const sig = await signRequest(s.privateKey, { method: 'POST', path, body, bodySha256: hash });
  return {
    [SIGNATURE_HEADERS.site]: s.siteId, [SIGNATURE_HEADERS.timestamp]: String(sig.timestamp), [SIGNATURE_HEADERS.nonce]: sig.nonce,
    [SIGNATURE_HEADERS.signature]: sig.signature, [BODY_HASH_HEADER]: hash,
  };
}

describe('upload bodies of one site', () => {
  it('are read two at once; a third is refused at once, and the slots come back when uploads end', async () => {
    const round = await site.client.round();
    const global = await globalWeights(site, round.globalModelHash);
    const body = await updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(global, 0.01));
    const stalled = [sendPartly(coord.url + path, await headersFor(site, body), body, body.subarray(0, 16)), sendPartly(coord.url + path, await headersFor(site, body), body, body.subarray(0, 16))];
    // (the two are being read once their headers are in: a second is ample, also on a loaded machine)
    await new Promise((r) => setTimeout(r, 1000));
    const third = await sendPartly(coord.url + path, await headersFor(site, body), body, body.subarray(0, 16)).answer;
    expect(third).toEqual({ status: 503, code: 'TOO_MANY_WAITING', finished: false });
    // another site is not held up by them
    const theirs = await updateEnvelope(plan, other, 1, round.globalModelHash, constantDelta(global, 0.02));
    expect(await sendPartly(coord.url + path, await headersFor(other, theirs), theirs, theirs).answer).toEqual({ status: 200, code: 'accepted', finished: true });
    // given up: their slots are free again, and the site's whole upload goes through
    for (const s of stalled) s.abort();
    await expect.poll(async () => (await sendPartly(coord.url + path, await headersFor(site, body), body, body).answer).code, { timeout: 5_000, interval: 100 }).toBe('accepted');
  }, 20_000);
});
