import { describe, expect, it } from 'vitest';
import { taskYielder } from './taskYielder.ts';

/** whether a timer set at the start fires during 120 ms of awaits that resolve as microtasks */
async function timerGetsIn(yieldEvery: (() => Promise<void>) | null): Promise<boolean> {
  let fired = false;
  setTimeout(() => (fired = true), 0);
  const start = Date.now();
  while (Date.now() - start < 120 && !fired) {
    await Promise.resolve();
    await yieldEvery?.();
  }
  return fired;
}

describe('taskYielder', () => {
  it('lets a timer in during a loop of awaits that resolve as microtasks', async () => {
    expect(await timerGetsIn(null)).toBe(false);
    expect(await timerGetsIn(taskYielder(20))).toBe(true);
  });

  it('does so through a MessageChannel where there is no setImmediate (browsers, Workers)', async () => {
    const g = globalThis as { setImmediate?: unknown };
    const saved = g.setImmediate;
    delete g.setImmediate;
    try {
      expect(await timerGetsIn(taskYielder(20))).toBe(true);
    } finally {
      g.setImmediate = saved;
    }
  });
});
