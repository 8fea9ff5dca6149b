/**
 * Creating an invite: a new site record with a one-time token whose hash is stored.
 * Shared by `fedseg invite` (which writes to the data folder's database) and the
 * running coordinator (tests, the simulator).
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
