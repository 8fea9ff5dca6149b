/**
 * The dedicated module Worker that trains, predicts and talks to the coordinator, so
 * that the page never freezes. Created by the page with
 * `new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module' })`.
 */
import * as Comlink from 'comlink';
import { exposeErrorCodes } from './errorTransfer.ts';
import { SiteService } from './siteService.ts';
import { TrainingService } from './trainingService.ts';
import type { FedsegWorkerApi } from './workerApi.ts';
import { WorkerJobs } from './workerJobs.ts';
import { FedsegError } from '../core/util/errors.ts';

/** One object with the demo trainer's and the site's methods (comlink exposes one). */
function workerApi(training: TrainingService, site: SiteService): FedsegWorkerApi {
  const api: Record<string, unknown> = {};
  for (const target of [training, site]) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
      const fn = (target as unknown as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof fn === 'function') api[name] = fn.bind(target);
    }
  }
  return api as unknown as FedsegWorkerApi;
}

exposeErrorCodes();
const jobs = new WorkerJobs();
// a lost or failing GPU ends the site's participation (resumable after a reload) and is
// reported to the page as this Worker's failure, like a crash: nothing here can train any more
const training = new TrainingService(jobs, (message) => {
  site.fail(message);
  self.reportError(new FedsegError('GPU_FAULT', message));
});
const site = new SiteService(() => training.backendName, jobs, training.gpuSettled);
Comlink.expose(workerApi(training, site));
