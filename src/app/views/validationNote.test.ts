import { describe, expect, it } from 'vitest';
import { validationNote } from './validationNote.ts';

describe('validationNote', () => {
  it('says when no case is held out, or too few for the scores to be sent', () => {
    expect(validationNote(1, 0, 5)).toMatch(/^No case is held out for validation: .*Dice chart \(Train tab\) stays empty/);
    expect(validationNote(4, 1, 5)).toBe("1 validation case is fewer than the 5 the plan reports scores over: the global model's scores on it are shown on the Train tab and not sent (a mean over so few would be a patient's own scores).");
    expect(validationNote(8, 3, 5)).toMatch(/^3 validation cases are fewer than the 5 .* scores on them/);
  });

  it('says nothing with enough validation cases, or before any case can train', () => {
    expect(validationNote(20, 5, 5)).toBeNull();
    expect(validationNote(0, 0, 5)).toBeNull();
  });
});
