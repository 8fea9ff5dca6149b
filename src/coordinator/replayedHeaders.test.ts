/**
 * Replayed upload headers: a request that names its body's SHA-256 has its signature and
 * nonce checked before its body is read, so a copy of used headers is refused (401
 * REPLAYED) while its body is still on its way, not after the coordinator buffered it.
 * Real loopback HTTP.
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

beforeAll(async () => {
  dir = tempDir();
  coord = await startTestCoordinator(plan, dir.path);
  site = await joinSite(coord, 'A');
  await joinSite(coord, 'B');
});
afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

const sendPart = (headers: Record<string, string>, body: Uint8Array, part: Uint8Array) => sendPartly(coord.url + path, headers, body, part).answer;

describe('replayed upload headers', () => {
  it('are refused before their body is read', async () => {
    const round = await site.client.round();
    const body = await updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(await globalWeights(site, round.globalModelHash), 0.01));
    const hash = await bodySha256(body);
    const sig = await signRequest(site.privateKey, { method: 'POST', path, body, bodySha256: hash });
    const headers = {
      [SIGNATURE_HEADERS.site]: site.siteId, [SIGNATURE_HEADERS.timestamp]: String(sig.timestamp), [SIGNATURE_HEADERS.nonce]: sig.nonce,
      [SIGNATURE_HEADERS.signature]: sig.signature, [BODY_HASH_HEADER]: hash,
    };
    expect(await sendPart(headers, body, body)).toEqual({ status: 200, code: 'accepted', finished: true });
    // ten copies of the used headers, each with only the first bytes of a body that never comes
    const replays = await Promise.all(Array.from({ length: 10 }, () => sendPart(headers, body, body.subarray(0, 16))));
    expect(replays).toEqual(Array.from({ length: 10 }, () => ({ status: 401, code: 'REPLAYED', finished: false })));
  }, 20_000);
});
