import { describe, expect, it } from 'vitest';
import { splitCases, splitIds } from './splitCases.ts';

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

describe('splitCases', () => {
  it('splits cases by the same rule as their ids', () => {
    const mk = (id: string) => ({ id, dims: [1, 1, 1] as const, spacing: [1, 1, 1] as const, image: new Uint16Array(4) });
    const s = splitCases([mk('b'), mk('c'), mk('a')], 0.3);
    expect(s.train.map((c) => c.id)).toEqual(['a', 'b']);
    expect(s.validation.map((c) => c.id)).toEqual(['c']);
  });
});
