import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import { exportPublicJwk, generateSiteKeyPair, isFreshTimestamp, signRequest, signText, verifyRequest, verifyText } from './signing.ts';

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
    flipped[10] = flipped[10]! ^ 1;
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
