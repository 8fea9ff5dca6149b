import { describe, expect, it } from 'vitest';
import { plural } from './plural.ts';

describe('plural', () => {
  it('adds an s to the noun unless the count is 1', () => {
    expect([plural(0, 'case'), plural(1, 'case'), plural(2, 'training case')]).toEqual(['0 cases', '1 case', '2 training cases']);
  });
});
