/** Milliseconds from a monotonic clock (performance.now), or Date.now where there is none; for durations only. */
const clock = (globalThis as { performance?: { now(): number } }).performance;

export function monotonicNow(): number {
  return clock ? clock.now() : Date.now();
}
