/**
 * An upload on a slow link: its signed timestamp is judged when the headers arrive, not when
 * the last byte does, so a body that takes longer than the signature window is accepted; one
 * that takes longer than MAX_BODY_MS is refused (408 BODY_TOO_SLOW). Real loopback HTTP, the
 * coordinator's clock moved by the test while the body is on its way.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_MS, SIGNATURE_WINDOW_MS } from './requestAuth.ts';
import { startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, signedHeaders, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1, stragglers: { minSites: 2, roundDeadlineSeconds: 24 * 3600 } });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let skew = 0;
let sites: TestSite[];

beforeAll(async () => {
  dir = tempDir();
  coord = await startCoordinator({ plan, dataDir: join(dir.path, 'data'), port: 0, staticRoot: null, log: () => undefined, clockMs: 50, now: () => Date.now() + skew });
  sites = [await joinSite(coord, 'A'), await joinSite(coord, 'B')];
});

afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

const path = '/api/v1/rounds/1/update';

/** `site`'s signed upload for round 1 (made before the test moves the clock: signing takes the real time) */
async function signedUpload(site: TestSite): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  const round = await site.client.round();
  const body = await updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(await globalWeights(site, round.globalModelHash), 0.001));
  return { body, headers: await signedHeaders(site.siteId, site.privateKey, { method: 'POST', path, body }) };
}

/** Sends the upload in two halves, moving the coordinator's clock by `delayMs` between them. */
function uploadSlowly({ body, headers }: { body: Uint8Array; headers: Record<string, string> }, delayMs: number): Promise<{ status: number; code: string | undefined }> {
  skew = 0; // the headers arrive on time
  return new Promise((resolve, reject) => {
    const req = request(coord.url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, code: (JSON.parse(text) as { error?: { code: string } }).error?.code }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half), () => {
      // the headers are in and checked; the rest comes "later"
      setTimeout(() => {
        skew += delayMs;
        req.end(body.subarray(half));
      }, 600);
    });
  });
}

describe('an upload whose body takes long to arrive', () => {
  it("gets the MAX_BODY_MS it is allowed from the HTTP server too (Node's own requestTimeout is 300 s)", () => {
    expect(coord.requestTimeoutMs).toBeGreaterThan(MAX_BODY_MS);
  });

  it('is accepted after more than the signature window, and refused after MAX_BODY_MS', async () => {
    const [a, b] = [await signedUpload(sites[0]!), await signedUpload(sites[1]!)];
    expect(await uploadSlowly(a, SIGNATURE_WINDOW_MS + 60_000)).toEqual({ status: 200, code: undefined });
    expect(await uploadSlowly(b, MAX_BODY_MS + 60_000)).toEqual({ status: 408, code: 'BODY_TOO_SLOW' });
  });
});
