import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from './base64url.ts';

describe('base64url', () => {
  it('round-trips every length and refuses foreign characters', () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(Array.from(base64urlDecode(base64urlEncode(b))!)).toEqual(Array.from(b));
    }
    expect(base64urlDecode('ab+c')).toBeNull();
  });
});
