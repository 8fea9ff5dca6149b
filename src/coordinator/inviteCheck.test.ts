/**
 * POST /invites/check: whether an invite can be used, and for which site, before a site
 * consents; it uses nothing up.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolClient } from '../core/protocol/client/protocolClient.ts';
import { generateSiteKeyPair } from '../core/protocol/signing.ts';
import { coordinatorPerTest } from './testing/coordinatorPerTest.ts';
import { send, testPlan } from './testing/testFederation.ts';

describe('checking an invite before joining', () => {
  const fed = coordinatorPerTest(testPlan(), 'fedseg-invite-check-');

  it('names the site of an unused invite, says a used one is used, and refuses an unknown or revoked one', async () => {
    const client = new ProtocolClient({ baseUrl: fed.coord.url, retry: { attempts: 1 } });
    const invite = await fed.coord.invite('Hospital B');
    // asked twice, the invite is still unused
    expect(await client.checkInvite(invite.token)).toEqual({ siteName: 'Hospital B', usable: true });
    expect(await client.checkInvite(invite.token)).toEqual({ siteName: 'Hospital B', usable: true });
    await client.join(invite.token, await generateSiteKeyPair(), (await client.plan()).planHash, { kind: 'node' });
    expect(await client.checkInvite(invite.token)).toEqual({ siteName: 'Hospital B', usable: false });
    await expect(client.checkInvite('A'.repeat(43))).rejects.toMatchObject({ code: 'INVITE_INVALID', status: 404 });
    const other = await fed.coord.invite('Hospital C');
    const revoke = await send(fed.coord.url, { method: 'POST', path: `/api/v1/sites/${other.siteId}/revoke`, body: new TextEncoder().encode('{}'), contentType: 'application/json', headers: { authorization: `Bearer ${fed.coord.operatorToken}` } });
    expect(revoke.status).toBe(200);
    await expect(client.checkInvite(other.token)).rejects.toMatchObject({ code: 'INVITE_INVALID' });
    const bad = await send(fed.coord.url, { method: 'POST', path: '/api/v1/invites/check', body: new TextEncoder().encode('{"inviteToken":"not base64url!"}'), contentType: 'application/json' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'MESSAGE_INVALID']);
  });
});
