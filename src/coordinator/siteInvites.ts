/**
 * Creating an invite: a new site record with a one-time token whose hash is stored; and
 * revoking a site. Shared by `fedseg invite` (which writes to the data folder's database)
 * and the running coordinator (the operator's HTTP routes, tests, the simulator).
 */
import { hashInviteToken, inviteUrl, newInviteToken, newSiteId } from './inviteToken.ts';
import type { FederationStore } from './storage/federationStore.ts';

export interface Invite {
  readonly siteId: string;
  readonly siteName: string;
  /** the one-time token: give it to the site, it is not stored */
  readonly token: string;
  readonly url: string;
}

export async function createSiteInvite(store: FederationStore, name: string, baseUrl: string, at = Date.now()): Promise<Invite> {
  const token = newInviteToken();
  const siteId = newSiteId(name);
  await store.createInvite({ id: siteId, name, tokenHash: await hashInviteToken(token), at });
  return { siteId, siteName: name, token, url: inviteUrl(baseUrl, token) };
}

/**
 * Revokes a site: 'revoked' now, 'already' when it was revoked before (twice is no error),
 * 'unknown' when no site of this federation has that id.
 */
export async function revokeSiteOnce(store: FederationStore, siteId: string, at = Date.now()): Promise<'revoked' | 'already' | 'unknown'> {
  if (await store.revokeSite(siteId, at)) return 'revoked';
  return (await store.site(siteId))?.status === 'revoked' ? 'already' : 'unknown';
}
