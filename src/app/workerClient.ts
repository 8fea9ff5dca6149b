/**
 * Starts the training Worker and wraps it with comlink. One Worker per page; the page
 * talks to it only through `TrainingWorkerApi`.
 */
import * as Comlink from 'comlink';
import type { FedsegWorkerApi } from '../worker/workerApi.ts';

export type WorkerRemote = Comlink.Remote<FedsegWorkerApi>;

export function startTrainingWorker(): { remote: WorkerRemote; worker: Worker } {
  const worker = new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), {
    type: 'module',
    name: 'fedseg-training',
  });
  return { remote: Comlink.wrap<FedsegWorkerApi>(worker), worker };
}

/** Wraps a progress callback so that the Worker can call it across the boundary. */
export function callback<T>(fn: (p: T) => void): (p: T) => void {
  return Comlink.proxy(fn);
}
