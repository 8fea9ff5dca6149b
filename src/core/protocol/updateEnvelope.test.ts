import { describe, expect, it } from 'vitest';
import type { UpdateMetaDraft } from './updateEnvelope.ts';
import { checkUpdateContext, decodeUpdateEnvelope, encodeUpdateEnvelope } from './updateEnvelope.ts';
import { errorCode, errorCodeAsync } from '../util/errorCode.ts';

const H = (c: string) => c.repeat(64);

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
    expect(await errorCodeAsync(() => decodeUpdateEnvelope(bytes, { maxBytes: 50 }))).toBe('UPDATE_TOO_LARGE');
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = 4;
    expect(await errorCodeAsync(() => decodeUpdateEnvelope(tampered, { maxBytes: 1 << 20 }))).toBe('UPDATE_HASH_MISMATCH');
    expect(await errorCodeAsync(() => decodeUpdateEnvelope(bytes.subarray(0, bytes.length - 1), { maxBytes: 1 << 20 }))).toBe('UPDATE_HASH_MISMATCH');
    const foreign = bytes.slice();
    foreign[3] = 0x58;
    expect(await errorCodeAsync(() => decodeUpdateEnvelope(foreign, { maxBytes: 1 << 20 }))).toBe('UPDATE_MALFORMED');
    const badJson = bytes.slice();
    badJson[12] = 0x7d;
    expect(await errorCodeAsync(() => decodeUpdateEnvelope(badJson, { maxBytes: 1 << 20 }))).toBe('UPDATE_MALFORMED');
    expect(await errorCodeAsync(() => encodeUpdateEnvelope({ ...draft, sampleCount: 0 }, new Uint8Array(1)))).toBe('UPDATE_META_INVALID');
    expect(await errorCodeAsync(() => encodeUpdateEnvelope({ ...draft, fileName: 'patient.nii' } as UpdateMetaDraft, new Uint8Array(1)))).toBe('UPDATE_META_INVALID');
  });

  it('checks the context: plan, round, base model, site, codec, sample count', async () => {
    const { meta } = await encodeUpdateEnvelope(draft, new Uint8Array(4));
    const ctx = { federation: 'demo', planHash: H('a'), round: 2, baseModelHash: H('b'), siteId: 'site-1', codecName: 'float32', secureAggregation: false, maxSampleCount: 12 };
    expect(() => checkUpdateContext(meta, ctx)).not.toThrow();
    expect(errorCode(() => checkUpdateContext(meta, { ...ctx, planHash: H('c') }))).toBe('UPDATE_PLAN_MISMATCH');
    expect(errorCode(() => checkUpdateContext(meta, { ...ctx, round: 3 }))).toBe('UPDATE_WRONG_ROUND');
    expect(errorCode(() => checkUpdateContext(meta, { ...ctx, baseModelHash: H('d') }))).toBe('UPDATE_BASE_MISMATCH');
    expect(errorCode(() => checkUpdateContext(meta, { ...ctx, siteId: 'site-2' }))).toBe('UPDATE_SITE_MISMATCH');
    expect(errorCode(() => checkUpdateContext(meta, { ...ctx, codecName: 'int8' }))).toBe('UPDATE_CODEC_MISMATCH');
    expect(() => checkUpdateContext(meta, { ...ctx, maxSampleCount: 11 })).toThrow('update: sample count (at most the plan\'s limits.maxSampleCount): expected 11, found 12');
  });
});
