import { describe, expect, it } from 'vitest';
import { sequenceGaps } from './sequenceGaps.ts';

describe('sequenceGaps', () => {
  it('tells a file that could not be read from one that is not there', () => {
    expect(sequenceGaps({ missing: ['t2', 'flair'], unreadable: ['t2'] })).toBe('missing flair; t2 unreadable');
    expect(sequenceGaps({ missing: ['t2'], unreadable: ['t2', 'label'] })).toBe('t2 unreadable');
    expect(sequenceGaps({ missing: ['t1'] })).toBe('missing t1');
    expect(sequenceGaps({ missing: [] })).toBe('');
  });
});
