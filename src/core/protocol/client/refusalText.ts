/**
 * What a site's people read when the coordinator did not take its part of a round (the
 * refusals runSite goes on after): in plain words what happened and what comes next, the
 * stable code last for whoever supports them.
 */
export type RefusedPart = 'evaluation' | 'update';

const ROUND_OVER = new Set(['ROUND_CLOSED', 'ROUND_AGGREGATING', 'UPDATE_WRONG_ROUND']);
const SECURE_WITHOUT = new Set(['SECAGG_PHASE', 'SECAGG_NOT_IN_ROUND', 'SECAGG_DUPLICATE']);

/** a few words on why, for the progress line and the round history ("the round closed first") */
export function refusalReason(code: string): string {
  if (ROUND_OVER.has(code)) return 'the round closed first';
  if (code === 'MODEL_MISMATCH') return 'the round\'s model changed meanwhile';
  if (code === 'UPDATE_CONFLICT') return 'another update of this site was there first';
  if (SECURE_WITHOUT.has(code)) return 'secure aggregation went on without this site';
  if (code === 'SECAGG_REFUSED') return 'this site sat the secure round out';
  return code;
}

/** The sentence for the page's list of notices. */
export function refusalText(round: number, what: RefusedPart, code: string, message: string): string {
  const part = what === 'update' ? 'update' : 'validation scores';
  const next = what === 'update' ? 'The site takes part in the next round.' : 'Its update would not be used either, so the site waits for the next round.';
  let text: string;
  if (ROUND_OVER.has(code)) {
    text = `Round ${round} closed before this site's ${part} arrived (its deadline passed, or enough other sites had sent theirs): ${what === 'update' ? 'this update was' : 'they were'} not used. ${next}`;
  } else if (code === 'MODEL_MISMATCH') {
    text = `Round ${round} moved on to another model while this site worked on it: its ${part} of the older model ${what === 'update' ? 'was' : 'were'} not used. ${next}`;
  } else if (code === 'UPDATE_CONFLICT') {
    text = `The coordinator already holds another update of this site for round ${round} (sent from another tab, or before a reload): this one was not used. ${next}`;
  } else if (SECURE_WITHOUT.has(code)) {
    text = `Round ${round}'s secure aggregation went on without this site (it came too late to the round's key exchange): its update was not used. ${next}`;
  } else if (code === 'SECAGG_REFUSED') {
    text = `Round ${round}: this site sat the secure round out rather than help unmask a second sum over other sites, which would reveal its update. The site takes part in the next round.`;
  } else {
    text = `Round ${round}: the coordinator did not take this site's ${part}: ${message}.`;
  }
  return `${text} [${code}]`;
}
