import { describe, expect, it } from 'vitest';
import { FedsegError } from '../core/util/errors.ts';
import { prepareEach } from './prepareEach.ts';

describe('prepareEach', () => {
  it('keeps the cases that prepare and leaves out the others with their code and reason', async () => {
    const { prepared, failed } = await prepareEach(['a', 'b', 'c', 'd'], async (id) => {
      if (id === 'b') throw new FedsegError('PREPARE_EMPTY', 'case b: expected a brain, found all zero');
      if (id === 'd') throw new RangeError('Array buffer allocation failed');
      return id.toUpperCase();
    });
    expect([...prepared]).toEqual([['a', 'A'], ['c', 'C']]);
    expect(failed).toEqual([
      { caseId: 'b', code: 'PREPARE_EMPTY', message: 'case b: expected a brain, found all zero' },
      { caseId: 'd', code: 'PREPARE_FAILED', message: 'case d: could not be prepared (RangeError: Array buffer allocation failed)' },
    ]);
  });

  it('stops before a case when asked, with the cases prepared so far, telling each case as it comes', async () => {
    const seen: [number, number][] = [];
    const { prepared, failed, stopped } = await prepareEach(['a', 'b', 'c'], (id) => id.toUpperCase(), {
      before: (done, total) => {
        seen.push([done, total]);
        return done === 2;
      },
    });
    expect(seen).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect([...prepared.keys()]).toEqual(['a', 'b']);
    expect([failed, stopped]).toEqual([[], true]);
  });
});
