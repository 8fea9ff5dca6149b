import { describe, expect, it } from 'vitest';
import type { WeightSet } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import { JoinRequestSchema, MetricsReportSchema, parseMessage } from './messages.ts';
import { exportPublicJwk, generateSiteKeyPair, isFreshTimestamp, signRequest, signText, verifyRequest, verifyText } from './signing.ts';
import type { UpdateMetaDraft } from './updateEnvelope.ts';
import { checkUpdateContext, decodeUpdateEnvelope, encodeUpdateEnvelope } from './updateEnvelope.ts';
import { specOf } from './weightSpec.ts';
import { decodeWeightsBlob, encodeWeightsBlob } from './weightsBlob.ts';

const H = (c: string) => c.repeat(64);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FedsegError);
    return (e as FedsegError).code;
  }
  throw new Error('expected a refusal');
}
async function asyncCodeOf(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(FedsegError);
    return (e as FedsegError).code;
  }
  throw new Error('expected a refusal');
}

const weights: WeightSet = [
  { name: 'conv1/kernel', shape: [3, 3, 3, 4, 2], values: Float32Array.from({ length: 216 }, (_, i) => Math.sin(i)) },
  { name: 'conv1/bias', shape: [2], values: Float32Array.of(0.5, -0.25) },
  { name: 'scalar', shape: [], values: Float32Array.of(7) },
];

describe('weightsBlob', () => {
  it('round-trips names, shapes and values exactly', () => {
    const bytes = encodeWeightsBlob(weights);
    const back = decodeWeightsBlob(bytes, { expected: specOf(weights) });
    expect(back.map((t) => [t.name, t.shape])).toEqual(weights.map((t) => [t.name, t.shape]));
    for (let i = 0; i < weights.length; i++) expect(Array.from(back[i]!.values)).toEqual(Array.from(weights[i]!.values));
  });

  it('decodes from an unaligned view', () => {
    const bytes = encodeWeightsBlob(weights);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeWeightsBlob(shifted.subarray(1), { expected: null })[1]!.values[1]).toBe(-0.25);
  });

  it('refuses a wrong shape, a wrong name, a missing tensor', () => {
    const bytes = encodeWeightsBlob(weights);
    const spec = specOf(weights);
    expect(codeOf(() => decodeWeightsBlob(bytes, { expected: [spec[0]!, { name: 'conv1/bias', shape: [3] }, spec[2]!] }))).toBe('UPDATE_SHAPE');
    expect(codeOf(() => decodeWeightsBlob(bytes, { expected: [spec[0]!, { name: 'other', shape: [2] }, spec[2]!] }))).toBe('UPDATE_SHAPE');
    expect(codeOf(() => decodeWeightsBlob(bytes, { expected: spec.slice(0, 2), kind: 'MODEL' }))).toBe('MODEL_SHAPE');
  });

  it('refuses NaN and infinities, naming the tensor', () => {
    const bad = weights.map((t) => ({ ...t, values: t.values.slice() }));
    bad[1]!.values[0] = Number.NaN;
    expect(() => decodeWeightsBlob(encodeWeightsBlob(bad), { expected: null })).toThrow(/conv1\/bias.*NaN/);
    bad[1]!.values[0] = Number.POSITIVE_INFINITY;
    expect(codeOf(() => decodeWeightsBlob(encodeWeightsBlob(bad), { expected: null }))).toBe('UPDATE_NONFINITE');
  });

  it('refuses oversized, truncated and foreign bytes', () => {
    const bytes = encodeWeightsBlob(weights);
    expect(codeOf(() => decodeWeightsBlob(bytes, { expected: null, maxBytes: bytes.length - 1 }))).toBe('UPDATE_TOO_LARGE');
    expect(codeOf(() => decodeWeightsBlob(bytes.subarray(0, bytes.length - 4), { expected: null }))).toBe('UPDATE_SHAPE');
    expect(codeOf(() => decodeWeightsBlob(bytes.subarray(0, 8), { expected: null }))).toBe('UPDATE_MALFORMED');
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(codeOf(() => decodeWeightsBlob(foreign, { expected: null }))).toBe('UPDATE_MALFORMED');
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 0xfffffff0, true);
    expect(codeOf(() => decodeWeightsBlob(hugeHeader, { expected: null }))).toBe('UPDATE_TOO_LARGE');
  });
});

const draft: UpdateMetaDraft = {
  federation: 'demo',
  planHash: H('a'),
  round: 2,
  siteId: 'site-1',
  baseModelHash: H('b'),
  sampleCount: 12,
  codec: { name: 'float32', options: {} },
  localMetrics: { steps: 5, meanLoss: 0.7, lastLoss: 0.6 },
};

describe('update envelope', () => {
  it('round-trips meta and payload', async () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const { bytes, meta } = await encodeUpdateEnvelope(draft, payload);
    expect(meta.payloadBytes).toBe(1000);
    const back = await decodeUpdateEnvelope(bytes, { maxBytes: 1 << 20 });
    expect(back.meta).toEqual(meta);
    expect(Array.from(back.payload)).toEqual(Array.from(payload));
  });

  it('refuses each kind of bad envelope with its code', async () => {
    const { bytes } = await encodeUpdateEnvelope(draft, new Uint8Array(100).fill(3));
    expect(await asyncCodeOf(() => decodeUpdateEnvelope(bytes, { maxBytes: 50 }))).toBe('UPDATE_TOO_LARGE');
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = 4;
    expect(await asyncCodeOf(() => decodeUpdateEnvelope(tampered, { maxBytes: 1 << 20 }))).toBe('UPDATE_HASH_MISMATCH');
    expect(await asyncCodeOf(() => decodeUpdateEnvelope(bytes.subarray(0, bytes.length - 1), { maxBytes: 1 << 20 }))).toBe('UPDATE_HASH_MISMATCH');
    expect(await asyncCodeOf(() => encodeUpdateEnvelope({ ...draft, sampleCount: 0 }, new Uint8Array(1)))).toBe('UPDATE_META_INVALID');
    expect(await asyncCodeOf(() => encodeUpdateEnvelope({ ...draft, fileName: 'patient.nii' } as UpdateMetaDraft, new Uint8Array(1)))).toBe('UPDATE_META_INVALID');
  });

  it('checks the context: plan, round, base model, site, codec', async () => {
    const { meta } = await encodeUpdateEnvelope(draft, new Uint8Array(4));
    const ctx = { federation: 'demo', planHash: H('a'), round: 2, baseModelHash: H('b'), siteId: 'site-1', codecName: 'float32', secureAggregation: false };
    expect(() => checkUpdateContext(meta, ctx)).not.toThrow();
    expect(codeOf(() => checkUpdateContext(meta, { ...ctx, planHash: H('c') }))).toBe('UPDATE_PLAN_MISMATCH');
    expect(codeOf(() => checkUpdateContext(meta, { ...ctx, round: 3 }))).toBe('UPDATE_WRONG_ROUND');
    expect(codeOf(() => checkUpdateContext(meta, { ...ctx, baseModelHash: H('d') }))).toBe('UPDATE_BASE_MISMATCH');
    expect(codeOf(() => checkUpdateContext(meta, { ...ctx, siteId: 'site-2' }))).toBe('UPDATE_SITE_MISMATCH');
    expect(codeOf(() => checkUpdateContext(meta, { ...ctx, codecName: 'int8' }))).toBe('UPDATE_CODEC_MISMATCH');
  });
});

describe('messages', () => {
  it('accepts a valid metrics report and refuses extra fields and bad hashes', () => {
    const report = { federation: 'demo', planHash: H('a'), round: 1, siteId: 's', modelHash: H('b'), cases: 3, dice: { ET: 0.5, TC: 0.6, WT: 0.7 }, hd95: { ET: 5, TC: 4, WT: 3 } };
    expect(parseMessage(MetricsReportSchema, report, 'POST /metrics').cases).toBe(3);
    expect(() => parseMessage(MetricsReportSchema, { ...report, patientId: 'x' }, 'POST /metrics')).toThrow(/unknown key "patientId"/);
    expect(() => parseMessage(MetricsReportSchema, { ...report, modelHash: 'abc' }, 'POST /metrics')).toThrow(/modelHash: expected a SHA-256/);
    expect(codeOf(() => parseMessage(MetricsReportSchema, { ...report, dice: { ET: 1, TC: 1 } }, 'm'))).toBe('MESSAGE_INVALID');
  });

  it('join request carries an exported public key', async () => {
    const keys = await generateSiteKeyPair();
    const jwk = await exportPublicJwk(keys.publicKey);
    const req = parseMessage(JoinRequestSchema, { inviteToken: 'abc_DEF-123', publicKeyJwk: { ...jwk, ext: true, key_ops: ['verify'] }, planHash: H('a') }, 'join');
    expect(Object.keys(req.publicKeyJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });
});

describe('signing', () => {
  it('verifies an untouched request and refuses any tampering', async () => {
    const keys = await generateSiteKeyPair();
    expect(keys.privateKey.extractable).toBe(false);
    const jwk = await exportPublicJwk(keys.publicKey);
    const req = { method: 'POST', path: '/api/v1/rounds/1/update', body: new Uint8Array([1, 2, 3]) };
    const sig = await signRequest(keys.privateKey, req);
    expect(await verifyRequest(jwk, req, sig)).toBe(true);
    expect(await verifyRequest(keys.publicKey, req, sig)).toBe(true);
    expect(await verifyRequest(jwk, { ...req, body: new Uint8Array([1, 2, 4]) }, sig)).toBe(false);
    expect(await verifyRequest(jwk, { ...req, path: '/api/v1/rounds/2/update' }, sig)).toBe(false);
    expect(await verifyRequest(jwk, { ...req, method: 'PUT' }, sig)).toBe(false);
    expect(await verifyRequest(jwk, req, { ...sig, timestamp: sig.timestamp + 1 })).toBe(false);
    expect(await verifyRequest(jwk, req, { ...sig, nonce: 'other' })).toBe(false);
    const flipped = base64urlDecode(sig.signature)!;
    flipped[10] ^= 1;
    expect(await verifyRequest(jwk, req, { ...sig, signature: base64urlEncode(flipped) })).toBe(false);
    expect(await verifyRequest(jwk, req, { ...sig, signature: 'not*base64' })).toBe(false);
    const other = await exportPublicJwk((await generateSiteKeyPair()).publicKey);
    expect(await verifyRequest(other, req, sig)).toBe(false);
  });

  it('signs challenges and string bodies; checks timestamp freshness', async () => {
    const keys = await generateSiteKeyPair();
    const s = await signText(keys.privateKey, 'challenge-123');
    expect(await verifyText(keys.publicKey, 'challenge-123', s)).toBe(true);
    expect(await verifyText(keys.publicKey, 'challenge-124', s)).toBe(false);
    const req = { method: 'get', path: '/api/v1/status', body: null };
    expect(await verifyRequest(keys.publicKey, { ...req, method: 'GET' }, await signRequest(keys.privateKey, req))).toBe(true);
    expect(isFreshTimestamp(1_000_000, 1_000_000 + 299_000)).toBe(true);
    expect(isFreshTimestamp(1_000_000, 1_000_000 + 301_000)).toBe(false);
  });
});

describe('base64url', () => {
  it('round-trips every length and refuses foreign characters', () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(Array.from(base64urlDecode(base64urlEncode(b))!)).toEqual(Array.from(b));
    }
    expect(base64urlDecode('ab+c')).toBeNull();
  });
});
