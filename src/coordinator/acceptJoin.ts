/**
 * A site's join (POST /join): the plan hash it read must be the federation's, its public
 * key one WebCrypto takes (a point off the curve would use up the invite and then fail
 * every request), and its invite token one that is unused, or used before by this same
 * key (a retried join whose answer was lost). What the site runs on goes into the join's
 * audit entry. Refusals: PLAN_MISMATCH, PUBLIC_KEY_INVALID (the invite stays unused),
 * INVITE_INVALID.
 */
import type { JoinRequest, JoinResponse } from '../core/protocol/messages.ts';
import type { Plan } from '../core/protocol/plan.ts';
import { importPublicJwk } from '../core/protocol/signing.ts';
import { HttpError } from './httpError.ts';
import { hashInviteToken } from './inviteToken.ts';
import type { FederationStore } from './storage/federationStore.ts';

export interface JoinDeps {
  readonly store: FederationStore;
  readonly plan: Plan;
  readonly planHash: string;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

/** The join's answer, and whether a site was added (false for a retried join). */
export async function acceptJoin(req: JoinRequest, deps: JoinDeps): Promise<{ readonly response: JoinResponse; readonly added: boolean }> {
  if (req.planHash !== deps.planHash) {
    throw new HttpError(409, 'PLAN_MISMATCH', `join: expected plan hash ${deps.planHash}, found ${req.planHash}; reload the plan`);
  }
  try {
    await importPublicJwk(req.publicKeyJwk);
  } catch (e) {
    throw new HttpError(422, 'PUBLIC_KEY_INVALID', `join: expected a P-256 public key (JWK), found one WebCrypto refuses (${e instanceof Error ? e.message : String(e)}); the invite is still unused`);
  }
  const redeemed = await deps.store.redeemInvite(await hashInviteToken(req.inviteToken), req.publicKeyJwk, deps.now(), req.client);
  if (!redeemed) {
    throw new HttpError(403, 'INVITE_INVALID', 'join: the invite token is unknown, already used (by another key) or revoked; ask the operator for a new invite');
  }
  const { site, repeated } = redeemed;
  const runsOn = req.client ? ` (${req.client.kind}${req.client.backend ? `, ${req.client.backend}` : ''})` : '';
  deps.log(`site ${site.id} ("${site.name}") ${repeated ? 'joined again with the same key (a retried join)' : 'joined'}${runsOn}`);
  return { response: { siteId: site.id, siteName: site.name, federation: deps.plan.federation, planHash: deps.planHash }, added: !repeated };
}
