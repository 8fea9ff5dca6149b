/**
 * Lets the event loop run during a long loop of GPU or CPU work. Awaiting a tensor's data
 * may resolve as a microtask (tfjs's cpu and wasm backends do), and then a loop of them
 * never lets a timer, a message (a Worker's Stop) or a signal handler (Ctrl-C) in until it
 * ends. The function this returns waits for the next task when `everyMs` passed since it
 * last did, and resolves at once otherwise.
 */
type TimerHost = { setTimeout(fn: () => void, ms: number): unknown };

const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock ? clock.now() : Date.now());

export function taskYielder(everyMs = 50): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < everyMs) return;
    await new Promise<void>((resolve) => (globalThis as unknown as TimerHost).setTimeout(resolve, 0));
    last = now();
  };
}
