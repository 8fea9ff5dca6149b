import { describe, expect, it } from 'vitest';
import { taskYielder } from './taskYielder.ts';

describe('taskYielder', () => {
  it('lets a timer in during a loop of awaits that resolve as microtasks', async () => {
    const run = async (yieldEvery: (() => Promise<void>) | null): Promise<boolean> => {
      let fired = false;
      setTimeout(() => (fired = true), 0);
      const start = Date.now();
      // 120 ms of work whose awaits never leave the microtask queue
      while (Date.now() - start < 120 && !fired) {
        await Promise.resolve();
        await yieldEvery?.();
      }
      return fired;
    };
    expect(await run(null)).toBe(false);
    expect(await run(taskYielder(20))).toBe(true);
  });
});
