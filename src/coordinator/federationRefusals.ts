/**
 * The refusals a federation gives about rounds and plans, worded once: what was expected
 * and what was found, under stable codes (docs/api.md).
 */
import { HttpError } from './httpError.ts';

export function siteRevoked(siteId: string): HttpError {
  return new HttpError(403, 'SITE_REVOKED', `site "${siteId}" was revoked by the operator`);
}

export function updateConflict(round: number): HttpError {
  return new HttpError(409, 'UPDATE_CONFLICT', `update: this site already sent a different update for round ${round}; a round takes one update per site`);
}

/** A report or update for a round other than the current one: closed (stale) or not open yet. */
export function wrongRound(what: string, found: number, current: number, finished: boolean): HttpError {
  if (found < current || finished) {
    return new HttpError(409, 'ROUND_CLOSED', `${what}: round ${found} is closed (the current round is ${current}); fetch the round again`);
  }
  return new HttpError(409, 'UPDATE_WRONG_ROUND', `${what}: expected round ${current}, found ${found}`);
}

export function checkPlanNamed(
  expected: { federation: string; planHash: string },
  found: { federation: string; planHash: string },
  what: string,
): void {
  if (found.federation !== expected.federation || found.planHash !== expected.planHash) {
    throw new HttpError(409, 'PLAN_MISMATCH', `${what}: expected federation "${expected.federation}" with plan hash ${expected.planHash}, found "${found.federation}" with ${found.planHash}`);
  }
}
