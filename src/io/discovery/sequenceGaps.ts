/**
 * What a case lacks, in words, with a file that is there but could not be read told apart
 * from one that is not there ("missing flair; t2 unreadable"); '' when it lacks nothing.
 */
import type { Sequence } from '../../core/types/sequences.ts';

export function sequenceGaps(c: { readonly missing: readonly Sequence[]; readonly unreadable?: readonly (Sequence | 'label')[] }): string {
  const unreadable = new Set(c.unreadable ?? []);
  const gone = c.missing.filter((s) => !unreadable.has(s));
  const bad = c.missing.filter((s) => unreadable.has(s));
  return [gone.length ? `missing ${gone.join(', ')}` : '', bad.length ? `${bad.join(', ')} unreadable` : ''].filter(Boolean).join('; ');
}
