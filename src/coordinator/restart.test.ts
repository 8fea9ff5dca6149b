/**
 * Crash safety: the coordinator runs as its own process (`node bin/fedseg.mjs
 * coordinator`), is killed with SIGKILL while updates arrive, and is started again on the
 * same --data. Every update it had acknowledged is still there, the sites' clients retry
 * (with backoff, while it is down) and succeed, and the round completes with exactly one update per site
 * (the aggregate is checked against the arithmetic).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../core/protocol/client/protocolClient.ts';
import { generateSiteKeyPair } from '../core/protocol/signing.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import type { WeightSet } from '../core/types/weights.ts';
import type { OperatorStatus } from './operatorStatus.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { dataPaths } from './startCoordinator.ts';
import { createSiteInvite } from './siteInvites.ts';
import { constantDelta, operatorStatusOf, sendUpdate, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';
import { OPERATOR_TOKEN_FILE, readOperatorToken } from './operatorToken.ts';

const SITES = 8;
const plan = testPlan({ rounds: 2, stragglers: { minSites: SITES, roundDeadlineSeconds: 600 } });
const dir = tempDir();
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  dir.remove();
});

/** Starts `fedseg coordinator` and resolves with its URL once it listens. */
function startChild(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/fedseg.mjs', 'coordinator', '--plan', join(dir.path, 'plan.json'), '--data', join(dir.path, 'data'), '--port', String(port), '--static', join(dir.path, 'no-page')], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`coordinator exited (${code}) before listening:\n${out}`)));
  });
}

async function status(url: string): Promise<OperatorStatus> {
  return operatorStatusOf({ url, operatorToken: readOperatorToken(join(dir.path, 'data', OPERATOR_TOKEN_FILE)) });
}

describe('the coordinator, killed with SIGKILL while updates arrive', () => {
  it('keeps every acknowledged update and completes the round after a restart', async () => {
    writeFileSync(join(dir.path, 'plan.json'), JSON.stringify(plan));
    let { child, url } = await startChild(0);
    const port = Number(new URL(url).port);

    // invites through the data folder, as `fedseg invite` makes them
    const store = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
    const invites = [];
    for (let i = 0; i < SITES; i++) invites.push(await createSiteInvite(store, `Site ${i}`, url));
    await store.close();

    const sites: TestSite[] = [];
    for (const inv of invites) {
      const client = new ProtocolClient({ baseUrl: url, retry: { attempts: 1 } });
      const keys = await generateSiteKeyPair();
      const { planHash } = await client.plan();
      const j = await client.join(inv.token, keys, planHash);
      sites.push({ siteId: j.siteId, client, privateKey: keys.privateKey });
    }
    const round = await sites[0]!.client.round();
    const global = decodeWeightsBlob(await sites[0]!.client.model(round.globalModelHash), { expected: null, kind: 'MODEL' });
    // site i sends a constant delta (i + 1) / 1000 with sample count i + 1
    const bodies = await Promise.all(sites.map((s, i) => updateEnvelope(plan, s, 1, round.globalModelHash, constantDelta(global, (i + 1) / 1000), { sampleCount: i + 1 })));

    // all sites upload at once; the coordinator is killed once the first is acknowledged
    const acked = new Set<number>();
    let killed = false;
    const attempts = sites.map((s, i) =>
      sendUpdate(url, s, 1, bodies[i]!).then(
        (r) => {
          if (r.status === 200) acked.add(i);
          if (!killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        },
        () => undefined, // cut off mid-upload
      ),
    );
    await Promise.all(attempts);
    await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
    expect(acked.size).toBeGreaterThanOrEqual(1);

    // every site's client retries (with backoff) while the coordinator is down
    const retrying = sites.map((s, i) =>
      new ProtocolClient({ baseUrl: url, credentials: { siteId: s.siteId, privateKey: s.privateKey }, retry: { attempts: 40, baseDelayMs: 100, maxDelayMs: 500 } })
        .uploadUpdate(1, bodies[i]!),
    );
    await new Promise((r) => setTimeout(r, 300));
    const keptBefore = await (async () => {
      const store = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
      const ids = new Set((await store.updates(1)).map((u) => u.siteId));
      await store.close();
      return ids;
    })();
    for (const i of acked) expect(keptBefore).toContain(sites[i]!.siteId);

    ({ child, url } = await startChild(port));
    const answers = await Promise.all(retrying);
    for (const [i, s] of sites.entries()) {
      expect(answers[i]!.status).toBe(keptBefore.has(s.siteId) ? 'duplicate' : 'accepted');
    }
    const done = await new ProtocolClient({ baseUrl: url }).waitForRound(1, 20);
    expect(done.round).toBe(2);
    const final = await status(url);
    expect(final.rounds[0]!.updates).toHaveLength(SITES);
    expect(final.rounds[0]!.summary).toMatchObject({ updates: SITES, samples: (SITES * (SITES + 1)) / 2 });

    // the aggregate is global + the sample-weighted mean delta: nothing lost, nothing twice
    const weights = SITES * (SITES + 1) / 2;
    let expected = 0;
    for (let i = 0; i < SITES; i++) expected += ((i + 1) / 1000) * (i + 1);
    expected /= weights;
    const client = new ProtocolClient({ baseUrl: url, credentials: { siteId: sites[0]!.siteId, privateKey: sites[0]!.privateKey } });
    const next: WeightSet = decodeWeightsBlob(await client.model(done.globalModelHash), { expected: null, kind: 'MODEL' });
    for (let t = 0; t < next.length; t += 7) {
      const g = global[t]!.values;
      const n = next[t]!.values;
      for (let k = 0; k < n.length; k += 13) expect(n[k]! - g[k]!).toBeCloseTo(expected, 5);
    }
    child.kill('SIGTERM');
  }, 120_000);
});
