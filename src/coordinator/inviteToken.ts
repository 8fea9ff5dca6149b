/**
 * One-time invite tokens: 32 random bytes, base64url. Only their SHA-256 is stored,
 * so a copy of the database does not let anyone join. The invite URL carries the token
 * in its fragment (#/join/<token>), which browsers never send to a server or a log.
 */
import { randomBytes } from 'node:crypto';
import { base64urlEncode } from '../core/protocol/base64url.ts';
import { sha256Hex } from '../core/util/webCrypto.ts';
import { utf8Encode } from '../core/protocol/utf8.ts';

/** A token; never one that starts with '-' (1 in 64 would), which a command line would take for an option. */
export function newInviteToken(): string {
  for (;;) {
    const token = base64urlEncode(new Uint8Array(randomBytes(32)));
    if (!token.startsWith('-')) return token;
  }
}

export function hashInviteToken(token: string): Promise<string> {
  return sha256Hex(utf8Encode(token));
}

/** A site id from its name: lower-case slug plus 6 random hex digits ("hospital-a-3f9c2e"). */
export function newSiteId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'site';
  return `${slug}-${randomBytes(3).toString('hex')}`;
}

export function inviteUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#/join/${token}`;
}
