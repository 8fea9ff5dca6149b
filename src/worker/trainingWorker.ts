/**
 * The dedicated module Worker that trains and predicts, so that the page never freezes.
 * Created by the page with
 * `new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module' })`.
 */
import * as Comlink from 'comlink';
import { TrainingService } from './trainingService.ts';

Comlink.expose(new TrainingService());
