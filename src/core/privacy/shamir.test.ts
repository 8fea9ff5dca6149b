import { describe, expect, it } from 'vitest';
import { combineShares, splitSecret } from './shamir.ts';

describe('Shamir secret sharing over GF(2^521 - 1)', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 255) & 255);

  it('any t of n shares recover the secret', () => {
    const shares = splitSecret(secret, 5, 3);
    for (const pick of [[0, 1, 2], [4, 2, 0], [1, 3, 4], [3, 4, 0, 1]]) {
      expect(Array.from(combineShares(pick.map((i) => shares[i]!), 3, 32))).toEqual(Array.from(secret));
    }
  });

  it('t - 1 shares do not', () => {
    const shares = splitSecret(secret, 5, 3);
    expect(() => combineShares(shares.slice(0, 2), 3, 32)).toThrow(/at least 3 shares/);
    // interpolating a degree-2 polynomial from 2 points gives a value unrelated to the secret
    let wrong: Uint8Array | null = null;
    try {
      wrong = combineShares(shares.slice(0, 2), 2, 66);
    } catch {
      wrong = null;
    }
    expect(wrong === null || Array.from(wrong.slice(34)).join() !== Array.from(secret).join()).toBe(true);
  });

  it('refuses a bad threshold', () => {
    expect(() => splitSecret(secret, 3, 4)).toThrow(/threshold/);
  });
});
