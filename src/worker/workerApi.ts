/**
 * The contract between the page and the training Worker (comlink). The page holds a
 * `Remote<TrainingWorkerApi>`; callbacks go through `comlink.proxy`. Everything that
 * crosses is structured-clonable plain data.
 */
import type { RegionScores } from '../core/types/labels.ts';

export interface RefusedBackend {
  readonly name: string;
  readonly reason: string;
}

export interface BackendInfo {
  /** the backend tfjs actually uses (setBackend's result checked) */
  readonly backend: string;
  /** backends tried before it, and why each was refused */
  readonly refused: readonly RefusedBackend[];
  /** what this backend means for speed, in words */
  readonly meaning: string;
  /** true when the worker had to fall back from WebGPU */
  readonly fellBack: boolean;
}

export interface DemoOptions {
  /** model preset name (tiny, standard, fets) */
  readonly preset: string;
  readonly steps: number;
  readonly seed: number;
  /** synthetic cases to train on (default 2) */
  readonly cases?: number;
  /** voxels per side of each synthetic case (default: the preset's patch size) */
  readonly caseSize?: number;
  readonly learningRate?: number;
}

export type DemoPhase = 'preparing' | 'building' | 'training' | 'done';

export interface DemoProgress {
  readonly phase: DemoPhase;
  readonly step: number;
  readonly steps: number;
  /** NaN before the first step */
  readonly loss: number;
  readonly voxelsPerSecond: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
  readonly message: string;
}

export interface DemoSummary {
  readonly backend: string;
  readonly steps: number;
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly meanLoss: number;
  readonly elapsedMs: number;
  readonly cancelled: boolean;
}

export type ProgressCallback<T> = (p: T) => void;

export interface TrainingWorkerApi {
  /** Chooses the backend (webgpu, webgl, wasm, cpu in that order unless given) and reports it. */
  init(order?: readonly string[]): Promise<BackendInfo>;
  /** Trains a fresh model on synthetic cases made inside the Worker. */
  trainDemo(opts: DemoOptions, onProgress: ProgressCallback<DemoProgress>): Promise<DemoSummary>;
  /** Stops the running job after its current step. */
  cancel(): void;
  /** Live tensor count (tf.memory().numTensors), for leak checks. */
  memory(): Promise<{ numTensors: number; numBytes: number }>;
}

export type { RegionScores };
