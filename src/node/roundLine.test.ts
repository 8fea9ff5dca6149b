import { describe, expect, it } from 'vitest';
import { roundLine } from './roundLine.ts';

describe('roundLine', () => {
  it('names the round in progress, and a finished federation as finished', () => {
    expect(roundLine({ round: 2, rounds: 3, state: 'collecting', finished: false })).toBe('round 2 of 3 (collecting)');
    // not "round 4 of 3 (closed)"
    expect(roundLine({ round: 4, rounds: 3, state: 'closed', finished: true })).toBe('finished after 3 rounds');
  });
});
