/**
 * The HTTP surface over real loopback HTTP: the page and its headers, the plan and its
 * hash, round notifications (server-sent events and long polling), immutable models,
 * federated evaluation reports, and JSON error answers.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { statusCommand } from '../node/commands/status.ts';
import { OPERATOR_TOKEN_FILE, readOperatorToken } from './operatorToken.ts';
import { SqliteStore } from './storage/sqliteStore.ts';
import { planHash } from '../core/protocol/plan.ts';
import { sha256Hex } from '../core/util/webCrypto.ts';
import { CONTENT_SECURITY_POLICY } from './securityHeaders.ts';
import { dataPaths, startCoordinator, type RunningCoordinator } from './startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, operatorStatusOf, send, sendUpdate, tempDir, testPlan, updateEnvelope, type TestSite } from './testing/testFederation.ts';

const plan = testPlan({ rounds: 1, stragglers: { minSites: 1, roundDeadlineSeconds: 120 } });
let dir: ReturnType<typeof tempDir>;
let coord: RunningCoordinator;
let site: TestSite;

beforeAll(async () => {
  dir = tempDir();
  const page = join(dir.path, 'dist');
  mkdirSync(join(page, 'assets'), { recursive: true });
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>fedseg</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(page, 'assets', 'app.js'), 'console.log(1)');
  coord = await startCoordinator({ plan, dataDir: join(dir.path, 'data'), port: 0, staticRoot: page, log: () => undefined, clockMs: 50 });
  site = await joinSite(coord, 'Hospital A');
});

afterAll(async () => {
  await coord?.close();
  dir?.remove();
});

describe('the coordinator API', () => {
  it('serves the page with a strict CSP and security headers, and the invite route falls back to it', async () => {
    for (const path of ['/', '/assets/app.js', '/some/route', '/api/v1/health']) {
      const res = await fetch(coord.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toContain('camera=()');
      await res.arrayBuffer();
    }
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(await (await fetch(`${coord.url}/assets/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${coord.url}/..%2f..%2fetc/passwd`)).text()).toContain('<title>fedseg</title>');
    const head = await fetch(coord.url + '/', { method: 'HEAD' });
    expect(head.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('publishes the plan with a hash a site can recompute', async () => {
    const r = await send(coord.url, { method: 'GET', path: '/api/v1/plan' });
    expect(r.json.planHash).toBe(await planHash(plan));
    expect(r.json.plan.limits).not.toHaveProperty('maxSampleCount'); // a late field at its default: older sites read the plan
    expect((await site.client.plan()).planHash).toBe(r.json.planHash);
  });

  it('answers unknown routes, bad JSON and bad messages with stable codes', async () => {
    expect((await send(coord.url, { method: 'GET', path: '/api/v1/nothing' })).json.error.code).toBe('NOT_FOUND');
    const bad = await send(coord.url, { method: 'POST', path: '/api/v1/join', body: new TextEncoder().encode('{nope'), contentType: 'application/json' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'BAD_JSON']);
    const invalid = await send(coord.url, { method: 'POST', path: '/api/v1/join', body: new TextEncoder().encode('{"inviteToken":"x"}'), contentType: 'application/json' });
    expect([invalid.status, invalid.json.error.code]).toEqual([400, 'MESSAGE_INVALID']);
    expect(invalid.json.error.message).toMatch(/publicKeyJwk/);
    const form = await send(coord.url, { method: 'POST', path: '/api/v1/rounds/1/update', body: new Uint8Array(4), contentType: 'text/plain' });
    expect([form.status, form.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('serves models by hash, immutable, to joined sites', async () => {
    const round = await site.client.round();
    const bytes = await site.client.model(round.globalModelHash);
    expect(await sha256Hex(bytes)).toBe(round.globalModelHash);
    const missing = await site.client.model('0'.repeat(64)).catch((e: { code: string }) => e.code);
    expect(missing).toBe('MODEL_NOT_FOUND');
  });

  it('takes federated evaluation reports once per site and round, and checks them', async () => {
    const round = await site.client.round();
    const { planHash: ph } = await site.client.plan();
    const report = {
      federation: plan.federation, planHash: ph, round: 1, siteId: site.siteId, modelHash: round.globalModelHash, cases: 6,
      dice: { ET: 0.5, TC: 0.6, WT: 0.7 }, hd95: { ET: 5, TC: 4, WT: 3 },
    };
    const wrongModel = await site.client.reportEvaluation({ ...report, modelHash: 'a'.repeat(64) }).catch((e: { code: string }) => e.code);
    expect(wrongModel).toBe('MODEL_MISMATCH');
    const outOfRange = await site.client.reportEvaluation({ ...report, dice: { ET: 1.5, TC: 0.6, WT: 0.7 } }).catch((e: { code: string }) => e.code);
    expect(outOfRange).toBe('METRICS_OUT_OF_RANGE');
    // an HD95 whose sum over sites would overflow the operator's pooled mean to Infinity
    const farOff = await site.client.reportEvaluation({ ...report, hd95: { ET: 1e308, TC: 4, WT: 3 } }).catch((e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    expect(farOff).toMatch(/^METRICS_OUT_OF_RANGE: .*HD95 in \[0, 10000\] mm, found Dice 0\.5, HD95 1e\+308/);
    // a site that claims more cases than one site can hold would outweigh every other in the pooled scores
    const tooMany = await site.client.reportEvaluation({ ...report, cases: 1e9 }).catch((e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    expect(tooMany).toMatch(/^METRICS_OUT_OF_RANGE: .*at most 100000 cases/);
    expect(await site.client.reportEvaluation(report)).toEqual({ status: 'accepted', round: 1 });
    expect(await site.client.reportEvaluation({ ...report, cases: 9 })).toEqual({ status: 'duplicate', round: 1 });
    // a mean over fewer cases than the plan's validation.minReportCases (5), as a site of an older version sends it: not kept
    expect(await site.client.reportEvaluation({ ...report, cases: 2 })).toEqual({ status: 'suppressed', round: 1 });
    // ... and only for the round and model it may report on: a round that never was is refused, not audited as suppressed
    expect(await site.client.reportEvaluation({ ...report, cases: 2, round: 999_999 }).catch((e: { code: string }) => e.code)).toBe('UPDATE_WRONG_ROUND');
    expect(await site.client.reportEvaluation({ ...report, cases: 2, modelHash: 'a'.repeat(64) }).catch((e: { code: string }) => e.code)).toBe('MODEL_MISMATCH');
    const s = ((await operatorStatusOf(coord)) as any);
    expect(s.rounds[0].evaluation).toMatchObject({ cases: 6, sites: 1 });
    expect(s.rounds[0].evaluation.dice.WT).toBeCloseTo(0.7, 12);
    expect(s.current.state).toBe('collecting');
  });

  it('shows the operator\'s view only with the operator token from the data folder, and `fedseg status` reads it there', async () => {
    const file = join(dir.path, 'data', OPERATOR_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readOperatorToken(file)).toBe(coord.operatorToken);
    const asked = (headers: Record<string, string>) => send(coord.url, { method: 'GET', path: '/api/v1/status', headers });
    const none = await asked({});
    expect([none.status, none.json.error.code]).toEqual([401, 'OPERATOR_TOKEN_MISSING']);
    for (const authorization of [`Bearer ${'A'.repeat(43)}`, coord.operatorToken, `Basic ${coord.operatorToken}`]) {
      const wrong = await asked({ authorization });
      expect([wrong.status, wrong.json.error.code]).toEqual([403, 'OPERATOR_TOKEN_INVALID']);
      expect(JSON.stringify(wrong.json)).not.toContain(coord.operatorToken);
    }
    expect((await asked({ authorization: `Bearer ${coord.operatorToken}` })).json.sites[0].name).toBe('Hospital A');
    expect((await asked({ authorization: `bearer  ${coord.operatorToken}` })).status).toBe(200);
    // the attempts are in the audit log (the token is not)
    const audit = new SqliteStore(dataPaths(join(dir.path, 'data')).db);
    const refused = (await audit.auditLog({ limit: 50 })).filter((e) => e.action === 'refused' && String(e.detail.code).startsWith('OPERATOR_TOKEN_'));
    await audit.close();
    expect(refused.map((e) => e.detail.code).sort()).toEqual(['OPERATOR_TOKEN_INVALID', 'OPERATOR_TOKEN_INVALID', 'OPERATOR_TOKEN_INVALID', 'OPERATOR_TOKEN_MISSING']);
    expect(JSON.stringify(refused)).not.toContain(coord.operatorToken);
    // the round's status stays public: sites and the page need it before they hold any key
    expect((await send(coord.url, { method: 'GET', path: '/api/v1/round' })).status).toBe(200);
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      expect(await statusCommand.run(['--url', coord.url, '--data', join(dir.path, 'data'), '--json'])).toBe(0);
      await expect(statusCommand.run(['--url', coord.url, '--data', dir.path])).rejects.toThrow(`${join(dir.path, OPERATOR_TOKEN_FILE)}: expected the coordinator's operator token file, found none (ENOENT)`);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(printed[0]!).sites[0].name).toBe('Hospital A');
  });

  it('notifies sites of the next round by server-sent events and long polling', async () => {
    const events = await fetch(`${coord.url}/api/v1/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: round\ndata: .*"round":1/);
    const poll = site.client.waitForRound(1, 20);
    const round = await site.client.round();
    const global = await globalWeights(site, round.globalModelHash);
    const r = await sendUpdate(coord.url, site, 1, await updateEnvelope(plan, site, 1, round.globalModelHash, constantDelta(global, 0.01)));
    expect(r.json.status).toBe('accepted');
    const next = await poll;
    expect(next).toMatchObject({ finished: true, round: 2, state: 'closed' });
    await readUntil(/"finished":true/);
    await reader.cancel();
    // the final model is evaluated under round rounds + 1
    const { planHash: ph } = await site.client.plan();
    const final = await site.client.reportEvaluation({
      federation: plan.federation, planHash: ph, round: 2, siteId: site.siteId, modelHash: next.globalModelHash, cases: 5,
      dice: { ET: 0.6, TC: 0.7, WT: 0.8 }, hd95: { ET: 4, TC: 3, WT: 2 },
    });
    expect(final.status).toBe('accepted');
    const s = ((await operatorStatusOf(coord)) as any);
    expect(s.final).toMatchObject({ cases: 5, sites: 1 });
    expect(JSON.stringify(s)).not.toMatch(/"x":|publicKey|token/);
  });
});
