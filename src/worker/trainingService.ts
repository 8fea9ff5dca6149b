/**
 * The Worker's side of the page <-> Worker contract: one job at a time (training or
 * inference), cancellable between steps. Tensors never leave the Worker; the page gets
 * plain numbers through comlink.
 */
import { WorkerJobs } from './workerJobs.ts';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset } from '../core/model/modelPresets.ts';
import { UNet3D } from '../core/model/unet3d.ts';
import { trainLocal } from '../core/train/localTrainer.ts';
import { FedsegError } from '../core/util/errors.ts';
import { chooseBackend } from './chooseBackend.ts';
import { demoCases } from './demoCases.ts';
import { watchGpuFaults, type GpuFaultWatch } from './watchGpuFaults.ts';
import type {
  BackendInfo,
  DemoOptions,
  DemoProgress,
  DemoSummary,
  ProgressCallback,
  TrainingWorkerApi,
} from './workerApi.ts';

/** True for the trainer's 'stopped on request' error. */
function isAbort(e: unknown): boolean {
  return e instanceof FedsegError && e.code === 'TRAINING_ABORTED';
}

export class TrainingService implements TrainingWorkerApi {
  private backendInfo: BackendInfo | undefined;
  private backendChoice: Promise<BackendInfo> | undefined;
  private job: AbortController | undefined;
  private releaseJob: () => void = () => undefined;
  private gpuWatch: GpuFaultWatch | undefined;

  /**
   * `jobs`: shared with the site, so that the demo and the site's training never run at once.
   * `onGpuFault`: told when the WebGPU device is lost or reports an error (the demo has been stopped by then).
   */
  constructor(private readonly jobs = new WorkerJobs(), private readonly onGpuFault: (message: string) => void = () => undefined) {}

  /**
   * Resolves once every GPU command issued so far was checked for errors (a fault found has
   * been told to onGpuFault by then); at once without a GPU backend. A property, not a
   * method: the Worker's API exposes the methods to the page.
   */
  readonly gpuSettled = (): Promise<void> => this.gpuWatch?.settled() ?? Promise.resolve();

  /** the backend in use, once init() chose it */
  get backendName(): string | undefined {
    return this.backendInfo?.backend;
  }

  async init(order?: readonly string[]): Promise<BackendInfo> {
    // one choice at a time: two would interleave setBackend and the kernel registrations
    this.backendChoice ??= chooseBackend(order).then(
      (info) => {
        if (info.backend === 'webgpu') {
          this.gpuWatch = watchGpuFaults(tf.backend(), (message) => {
            this.cancel();
            this.onGpuFault(message);
          });
        }
        return (this.backendInfo = info);
      },
      (e: unknown) => {
        this.backendChoice = undefined;
        throw e;
      },
    );
    return this.backendChoice;
  }

  cancel(): void {
    this.job?.abort();
  }

  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  async trainDemo(opts: DemoOptions, onProgress: ProgressCallback<DemoProgress>): Promise<DemoSummary> {
    const info = await this.init();
    const preset = getPreset(opts.preset);
    if (!Number.isInteger(opts.steps) || opts.steps < 1) {
      throw new FedsegError('DEMO_STEPS', `demo steps: expected a positive integer, found ${opts.steps}`);
    }
    const job = this.startJob();
    const started = performance.now();
    const report = (p: Partial<DemoProgress> & Pick<DemoProgress, 'phase' | 'message'>): void =>
      onProgress({ step: 0, steps: opts.steps, loss: Number.NaN, voxelsPerSecond: 0, etaMs: Number.NaN,
        elapsedMs: performance.now() - started, ...p });
    try {
      report({ phase: 'preparing', message: 'Making synthetic cases' });
      const cases = demoCases(opts.cases ?? 2, opts.caseSize ?? Math.max(preset.patchSize, 24), preset.patchSize, opts.seed);
      report({ phase: 'building', message: `Building the ${preset.name} model on ${info.backend}` });
      const model = UNet3D.create(preset, opts.seed);
      const losses: number[] = [];
      try {
        const run = trainLocal(model, cases, {
          steps: opts.steps,
          batchSize: 1,
          optimizer: 'adam',
          learningRate: opts.learningRate ?? 3e-3,
          seed: opts.seed,
          signal: job.signal,
        });
        for (;;) {
          const r = await run.next();
          if (r.done) break;
          const p = r.value;
          losses.push(p.loss);
          report({ phase: 'training', message: `Step ${p.step} of ${p.steps}`, ...p });
        }
      } catch (e) {
        if (!isAbort(e)) throw e;
      } finally {
        model.dispose();
      }
      const elapsedMs = performance.now() - started;
      report({ phase: 'done', step: losses.length, message: job.signal.aborted ? 'Stopped' : 'Done' });
      return {
        backend: info.backend,
        steps: losses.length,
        firstLoss: losses[0] ?? Number.NaN,
        lastLoss: losses[losses.length - 1] ?? Number.NaN,
        meanLoss: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN,
        elapsedMs,
        cancelled: job.signal.aborted,
      };
    } finally {
      this.job = undefined;
      this.releaseJob();
    }
  }

  private startJob(): AbortController {
    if (this.job) throw new FedsegError('WORKER_BUSY', 'the Worker is already running a job; stop it first');
    this.releaseJob = this.jobs.begin('the training demo');
    this.job = new AbortController();
    return this.job;
  }
}
