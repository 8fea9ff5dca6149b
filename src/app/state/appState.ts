/**
 * Everything the page knows, in one object that main.ts creates and passes to every
 * view (no globals). Each part is a Store that views subscribe to.
 */
import type { BackendInfo } from '../../worker/workerApi.ts';
import type { WorkerRemote } from '../workerClient.ts';
import { Store } from './store.ts';

export type BackendState =
  | { readonly status: 'starting' }
  | { readonly status: 'ready'; readonly info: BackendInfo }
  | { readonly status: 'failed'; readonly error: string };

export class AppState {
  readonly backend = new Store<BackendState>({ status: 'starting' });

  constructor(readonly worker: WorkerRemote) {}

  /** Asks the Worker to choose its backend once; later calls return the same answer. */
  async initBackend(): Promise<BackendInfo | undefined> {
    const b = this.backend.value;
    if (b.status === 'ready') return b.info;
    try {
      const info = await this.worker.init();
      this.backend.set({ status: 'ready', info });
      return info;
    } catch (e) {
      this.backend.set({ status: 'failed', error: errorText(e) });
      return undefined;
    }
  }
}

/** The words of an error, whatever was thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
