import { describe, expect, it } from 'vitest';
import { JoinRequestSchema, MetricsReportSchema, parseMessage } from './messages.ts';
import { exportPublicJwk, generateSiteKeyPair } from './signing.ts';
import { errorCode } from '../util/errorCode.ts';

const H = (c: string) => c.repeat(64);

describe('messages', () => {
  it('accepts a valid metrics report and refuses extra fields and bad hashes', () => {
    const report = { federation: 'demo', planHash: H('a'), round: 1, siteId: 's', modelHash: H('b'), cases: 3, dice: { ET: 0.5, TC: 0.6, WT: 0.7 }, hd95: { ET: 5, TC: 4, WT: 3 } };
    expect(parseMessage(MetricsReportSchema, report, 'POST /metrics').cases).toBe(3);
    expect(() => parseMessage(MetricsReportSchema, { ...report, patientId: 'x' }, 'POST /metrics')).toThrow(/unknown key "patientId"/);
    expect(() => parseMessage(MetricsReportSchema, { ...report, modelHash: 'abc' }, 'POST /metrics')).toThrow(/modelHash: expected a SHA-256/);
    expect(errorCode(() => parseMessage(MetricsReportSchema, { ...report, dice: { ET: 1, TC: 1 } }, 'm'))).toBe('MESSAGE_INVALID');
  });

  it('join request carries an exported public key', async () => {
    const keys = await generateSiteKeyPair();
    const jwk = await exportPublicJwk(keys.publicKey);
    const req = parseMessage(JoinRequestSchema, { inviteToken: 'abc_DEF-123', publicKeyJwk: { ...jwk, ext: true, key_ops: ['verify'] }, planHash: H('a') }, 'join');
    expect(Object.keys(req.publicKeyJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });
});
