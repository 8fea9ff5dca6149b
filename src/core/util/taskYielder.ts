/**
 * Lets the event loop run during a long loop of GPU or CPU work. Awaiting a tensor's data
 * may resolve as a microtask (tfjs's cpu and wasm backends do), and then a loop of them
 * never lets a timer, a message (a Worker's Stop) or a signal handler (Ctrl-C) in until it
 * ends. The function this returns waits for the next task when `everyMs` passed since it
 * last did, and resolves at once otherwise. The next task comes from setImmediate (Node)
 * or a MessageChannel (browsers and Workers), not setTimeout, which browsers hold back to
 * 4 ms once nested and longer in a background tab.
 */
import { monotonicNow } from './monotonicNow.ts';

interface PortLike {
  onmessage: (() => void) | null;
  postMessage(message: null): void;
  close(): void;
}

const host = globalThis as unknown as {
  setImmediate?: (fn: () => void) => unknown;
  MessageChannel?: new () => { port1: PortLike; port2: PortLike };
  setTimeout(fn: () => void, ms: number): unknown;
};


/** Resolves in a later task of the event loop. */
export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (host.setImmediate) {
      host.setImmediate(resolve);
    } else if (host.MessageChannel) {
      const { port1, port2 } = new host.MessageChannel();
      port1.onmessage = () => {
        port1.close();
        port2.close();
        resolve();
      };
      port2.postMessage(null);
    } else {
      host.setTimeout(resolve, 0);
    }
  });
}

export function taskYielder(everyMs = 50): () => Promise<void> {
  let last = monotonicNow();
  return async () => {
    if (monotonicNow() - last < everyMs) return;
    await nextTask();
    last = monotonicNow();
  };
}
