import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './router.ts';

describe('parseRoute', () => {
  it('reads the view and its parameters from the hash', () => {
    expect(parseRoute('#/join/abc_DEF-123')).toEqual({ name: 'join', params: ['abc_DEF-123'] });
    expect(parseRoute('#/data')).toEqual({ name: 'data', params: [] });
    expect(parseRoute('')).toEqual({ name: '', params: [] });
  });

  it('round-trips through routeHref, escaping parameters', () => {
    expect(parseRoute(routeHref('review', 'a/b c'))).toEqual({ name: 'review', params: ['a/b c'] });
  });
});
