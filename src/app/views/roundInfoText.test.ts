import { describe, expect, it } from 'vitest';
import type { RoundStatus } from '../../worker/workerApi.ts';
import { roundInfoText } from './roundInfoText.ts';

const round: RoundStatus = {
  federation: 'f', planHash: 'a'.repeat(64), round: 3, rounds: 10, state: 'collecting', finished: false,
  globalModelHash: 'b'.repeat(64), deadline: 200_000, expectedSites: 2, reportedSites: 1, minSites: 1,
};

describe('roundInfoText', () => {
  it('says how long until the deadline, and how long since it passed', () => {
    expect(roundInfoText(round, 110_000)).toMatch(/^Round 3 of 10: collecting; 1 of 2 sites reported \(at least 1 needed\); deadline .+ \(in 1 min 30 s\)\.$/);
    expect(roundInfoText(round, 205_000)).toMatch(/; deadline .+ \(passed 5 s ago\)\.$/);
    expect(roundInfoText({ ...round, deadline: null }, 0)).toBe('Round 3 of 10: collecting; 1 of 2 sites reported (at least 1 needed).');
  });

  it('says the federation finished, with the privacy budget spent', () => {
    expect(roundInfoText({ ...round, finished: true, epsilonSpent: 2 }, 0)).toBe('The federation finished its 10 rounds. Differential privacy budget spent so far: ε = 2.00.');
    expect(roundInfoText(null, 0)).toBe('Round: not known yet.');
  });
});
