import { describe, expect, it } from 'vitest';
import { RoundMachine, type RoundPolicy } from './roundMachine.ts';
import { HttpError } from './httpError.ts';

const policy: RoundPolicy = { minSites: 2, deadlineMs: 1000, extendOnTimeout: true };
const sites = (...s: string[]) => new Set(s);

function machine(p: RoundPolicy = policy): RoundMachine {
  return new RoundMachine({ round: 3, status: 'open', deadline: 1000 }, p);
}

describe('RoundMachine', () => {
  it('goes open -> collecting -> aggregating -> closed', () => {
    const m = machine();
    expect(m.status).toBe('open');
    expect(m.acceptUpdate('a')).toBe(true);
    expect(m.status).toBe('collecting');
    m.beginAggregation();
    expect(m.status).toBe('aggregating');
    m.close();
    expect(m.status).toBe('closed');
  });

  it('an evaluation report also starts collecting', () => {
    const m = machine();
    m.noteEvaluation();
    expect(m.status).toBe('collecting');
  });

  it('counts a site once (idempotent uploads)', () => {
    const m = machine();
    expect(m.acceptUpdate('a')).toBe(true);
    expect(m.acceptUpdate('a')).toBe(false);
    expect([...m.reported]).toEqual(['a']);
  });

  it('closes as soon as every active site reported', () => {
    const m = machine();
    m.acceptUpdate('a');
    expect(m.decide(10, sites('a', 'b'))).toEqual({ kind: 'wait', until: 1000 });
    m.acceptUpdate('b');
    expect(m.decide(10, sites('a', 'b'))).toEqual({ kind: 'aggregate', reason: 'all-reported' });
  });

  it('does not close early when all active sites reported but fewer than minSites', () => {
    const m = machine();
    m.acceptUpdate('a');
    expect(m.decide(10, sites('a')).kind).toBe('wait');
  });

  it('never closes on an empty federation', () => {
    const m = machine({ ...policy, minSites: 1 });
    expect(m.decide(10, sites()).kind).toBe('wait');
  });

  it('closes at the deadline with at least minSites', () => {
    const m = machine();
    m.acceptUpdate('a');
    m.acceptUpdate('b');
    expect(m.decide(999, sites('a', 'b', 'c'))).toEqual({ kind: 'wait', until: 1000 });
    expect(m.decide(1000, sites('a', 'b', 'c'))).toEqual({ kind: 'aggregate', reason: 'deadline' });
  });

  it('extends at the deadline with too few sites', () => {
    const m = machine();
    m.acceptUpdate('a');
    const d = m.decide(1500, sites('a', 'b', 'c'));
    expect(d.kind).toBe('extend');
    if (d.kind !== 'extend') return;
    expect(d.deadline).toBe(2500);
    expect(d.reason).toMatch(/1 of the 2/);
    m.extend(d.deadline);
    expect(m.decide(2000, sites('a', 'b', 'c')).kind).toBe('wait');
  });

  it('stays open past the deadline when extension is off, and closes once enough updates came late', () => {
    const m = machine({ ...policy, extendOnTimeout: false });
    const d = m.decide(1500, sites('a', 'b', 'c'));
    expect(d).toEqual({ kind: 'stalled', reason: expect.stringMatching(/^deadline passed with 0 of the 2 sites needed; the round stays open .* closes once 2 sites have sent updates/) });
    m.acceptUpdate('a');
    expect(m.decide(1600, sites('a', 'b', 'c')).kind).toBe('stalled');
    m.acceptUpdate('b');
    expect(m.decide(1700, sites('a', 'b', 'c'))).toEqual({ kind: 'aggregate', reason: 'deadline' });
  });

  it('refuses uploads while aggregating and after closing, with stable codes', () => {
    const m = machine();
    m.acceptUpdate('a');
    m.beginAggregation();
    expect(() => m.acceptUpdate('b')).toThrow(HttpError);
    try {
      m.acceptUpdate('b');
    } catch (e) {
      expect((e as HttpError).code).toBe('ROUND_AGGREGATING');
      expect((e as HttpError).status).toBe(409);
    }
    m.close();
    expect(() => m.acceptUpdate('b')).toThrow(/closed/);
    expect(() => m.noteEvaluation()).toThrow(/closed/);
    expect([...m.reported]).toEqual(['a']);
  });

  it('goes back to collecting when aggregation fails', () => {
    const m = machine();
    m.acceptUpdate('a');
    m.beginAggregation();
    m.abortAggregation();
    expect(m.status).toBe('collecting');
    expect(m.acceptUpdate('b')).toBe(true);
  });

  it('refuses impossible transitions and bad policies', () => {
    const m = machine();
    expect(() => m.close()).toThrow(/cannot close/);
    expect(() => new RoundMachine({ round: 1, status: 'open', deadline: 0 }, { ...policy, minSites: 0 })).toThrow(/minSites/);
  });

  it('resumes from stored state (restart)', () => {
    const m = new RoundMachine({ round: 2, status: 'collecting', deadline: 50, reported: ['a', 'b'] }, policy);
    expect(m.decide(60, sites('a', 'b', 'c'))).toEqual({ kind: 'aggregate', reason: 'deadline' });
  });
});
