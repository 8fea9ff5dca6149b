/** A value that views can watch: `set` replaces it and tells every subscriber. */
export class Store<T> {
  private current: T;
  private readonly listeners = new Set<(v: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  get value(): T {
    return this.current;
  }

  set(v: T): void {
    this.current = v;
    for (const fn of [...this.listeners]) fn(v);
  }

  update(patch: Partial<T>): void {
    this.set({ ...this.current, ...patch });
  }

  /** Calls `fn` now and on every change; returns the unsubscribe function. */
  subscribe(fn: (v: T) => void): () => void {
    this.listeners.add(fn);
    fn(this.current);
    return () => this.listeners.delete(fn);
  }
}
