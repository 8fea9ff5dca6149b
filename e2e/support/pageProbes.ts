/**
 * Probes a spec installs in the page: console errors and uncaught exceptions, and
 * main-thread blocking (long tasks and timer gaps).
 */
import type { Page } from '@playwright/test';

/** Collects console errors and page errors from now on . */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export interface BlockingReport {
  /** durations of main-thread tasks over 50 ms (PerformanceObserver 'longtask') */
  readonly longTasksMs: number[];
  /** when each long task started (performance.now() of the page) */
  readonly longTaskStartsMs: number[];
  /** the largest gap between two 10 ms interval ticks */
  readonly maxTimerGapMs: number;
}

/** Starts measuring main-thread blocking in the page; read it with `readBlocking`. */
export async function startBlockingProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { starts: [] as number[], longTasks: [] as number[], maxGap: 0, last: performance.now(), timer: 0, observer: undefined as PerformanceObserver | undefined };
    probe.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push(e.duration), probe.starts.push(e.startTime);
    });
    probe.observer.observe({ type: 'longtask', buffered: false });
    probe.timer = window.setInterval(() => {
      const now = performance.now();
      probe.maxGap = Math.max(probe.maxGap, now - probe.last);
      probe.last = now;
    }, 10);
    (window as unknown as { __fedsegProbe: typeof probe }).__fedsegProbe = probe;
  });
}

export async function readBlocking(page: Page): Promise<BlockingReport> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __fedsegProbe: { starts: number[]; longTasks: number[]; maxGap: number; timer: number; observer?: PerformanceObserver } }).__fedsegProbe;
    window.clearInterval(probe.timer);
    probe.observer?.disconnect();
    return { longTasksMs: probe.longTasks, longTaskStartsMs: probe.starts, maxTimerGapMs: probe.maxGap };
  });
}
