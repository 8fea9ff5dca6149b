import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from './progressDisplay.ts';

describe('ProgressDisplay', () => {
  it('counts steps and gives the phase ETA from the rate so far', () => {
    let t = 0;
    const out: string[] = [];
    const p = new ProgressDisplay((s) => out.push(s), false, 5000, () => t);
    p.phase('federated', 10, 'steps');
    t = 4000;
    p.tick(2); // within the interval: nothing printed yet
    expect(out).toEqual(['federated: 10 steps\n']);
    expect(p.line()).toBe('federated [#####...................] 2/10 steps, 0.50/s, ETA 16s');
    t = 6000;
    p.tick(1);
    expect(out.at(-1)).toContain('3/10 steps');
    t = 20000;
    p.tick(7);
    p.end();
    expect(out.at(-1)).toBe('federated: 10/10 steps in 20s\n');
  });

  it('redraws one line in place on a terminal', () => {
    const out: string[] = [];
    const p = new ProgressDisplay((s) => out.push(s), true, 5000, () => 0);
    p.phase('local', 2, 'steps');
    p.tick();
    expect(out.every((s) => s.startsWith('\r\x1b[2K'))).toBe(true);
    p.end();
    expect(out.at(-1)!.endsWith('\n')).toBe(true);
  });
});
