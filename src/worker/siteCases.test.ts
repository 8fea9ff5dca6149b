import { describe, expect, it } from 'vitest';
import { splitIds } from './siteCases.ts';

describe('splitIds', () => {
  it('holds out the last ceil(fraction * n) cases by name, at least one of two or more', () => {
    expect(splitIds(['c', 'a', 'b'], 0.3)).toEqual({ train: ['a', 'b'], validation: ['c'] });
    expect(splitIds(['a', 'b', 'c', 'd', 'e'], 0.5)).toEqual({ train: ['a', 'b'], validation: ['c', 'd', 'e'] });
    expect(splitIds(['a', 'b'], 0.01)).toEqual({ train: ['a'], validation: ['b'] });
  });

  it('keeps at least one training case and holds none out with fraction 0 or a single case', () => {
    expect(splitIds(['a', 'b'], 0.99)).toEqual({ train: ['a'], validation: ['b'] });
    expect(splitIds(['a', 'b'], 0)).toEqual({ train: ['a', 'b'], validation: [] });
    expect(splitIds(['a'], 0.5)).toEqual({ train: ['a'], validation: [] });
  });
});
