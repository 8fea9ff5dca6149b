/**
 * The masks of secure aggregation (Bonawitz et al. 2017), shared by the client and the
 * server so that both derive exactly the same streams:
 * - self mask of site u:      PRG(SHA-256("fedseg-secagg-self", round, u, b_u))
 * - pairwise mask of {u, v}:  PRG(SHA-256("fedseg-secagg-pair", round, min, max, ECDH(s_u, s_v)))
 *   added by the site with the smaller roster index and subtracted by the other, so the pair
 *   cancels in the sum.
 */
import { deriveSeed, expandMask } from './secAggCrypto.ts';

export async function selfMask(round: number, siteId: string, seed: Uint8Array, length: number): Promise<Uint32Array> {
  return expandMask(await deriveSeed('fedseg-secagg-self', [String(round), siteId], seed), length);
}

export async function pairMask(round: number, a: string, b: string, shared: Uint8Array, length: number): Promise<Uint32Array> {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return expandMask(await deriveSeed('fedseg-secagg-pair', [String(round), lo, hi], shared), length);
}

/** additional data binding a sealed share to its round, sender and receiver */
export function shareAad(round: number, from: string, to: string): string {
  return `fedseg-secagg-share\u0000${round}\u0000${from}\u0000${to}`;
}
