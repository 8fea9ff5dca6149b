import { describe, expect, it } from 'vitest';
import { refusalReason, refusalText } from './refusalText.ts';

describe('refusalText: what a site is told when its part of a round was not taken', () => {
  it('says in plain words that a late update was not used and what comes next, the code last', () => {
    expect(refusalText(22, 'update', 'ROUND_CLOSED', 'update: round 22 is closed (the current round is 23); fetch the round again')).toBe(
      "Round 22 closed before this site's update arrived (its deadline passed, or enough other sites had sent theirs): this update was not used. The site takes part in the next round. [ROUND_CLOSED]",
    );
    // the coordinator's instruction to the program is not shown to people
    expect(refusalText(22, 'update', 'ROUND_CLOSED', 'fetch the round again')).not.toContain('fetch the round');
    expect(refusalText(3, 'evaluation', 'ROUND_AGGREGATING', 'x')).toBe(
      "Round 3 closed before this site's validation scores arrived (its deadline passed, or enough other sites had sent theirs): they were not used. Its update would not be used either, so the site waits for the next round. [ROUND_AGGREGATING]",
    );
  });

  it('words each tolerated refusal, and falls back to the coordinator\'s message for others', () => {
    expect(refusalText(4, 'update', 'MODEL_MISMATCH', 'x')).toMatch(/^Round 4 moved on to another model .*update of the older model was not used\./);
    expect(refusalText(4, 'update', 'UPDATE_CONFLICT', 'x')).toMatch(/already holds another update of this site for round 4/);
    for (const code of ['SECAGG_PHASE', 'SECAGG_NOT_IN_ROUND', 'SECAGG_DUPLICATE']) expect(refusalText(5, 'update', code, 'x')).toMatch(/^Round 5's secure aggregation went on without this site/);
    expect(refusalText(5, 'update', 'SECAGG_REFUSED', 'x')).toMatch(/sat the secure round out/);
    expect(refusalText(6, 'update', 'SOMETHING_NEW', 'the reason')).toBe("Round 6: the coordinator did not take this site's update: the reason. [SOMETHING_NEW]");
  });

  it('gives a short reason for the progress line and the history', () => {
    expect(['ROUND_CLOSED', 'UPDATE_WRONG_ROUND', 'MODEL_MISMATCH', 'SECAGG_PHASE', 'OTHER'].map(refusalReason)).toEqual([
      'the round closed first', 'the round closed first', "the round's model changed meanwhile", 'secure aggregation went on without this site', 'OTHER',
    ]);
  });
});
