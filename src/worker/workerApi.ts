/**
 * The contract between the page and the training Worker (comlink). The page holds a
 * `Remote<TrainingWorkerApi>`; callbacks go through `comlink.proxy`. Everything that
 * crosses is structured-clonable plain data.
 */
import type { RegionScores } from '../core/types/labels.ts';
import type { FileProblem } from '../io/sourceFile.ts';

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
  /**
   * kernels served by fedseg's fast Conv3D: on webgpu its WGSL kernels (src/kernels/webgpu),
   * on wasm im2col + XNNPACK (src/kernels/wasm; wasm never runs without them); empty: stock tfjs kernels
   */
  readonly fastKernels: readonly string[];
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
  /**
   * Chooses the backend (webgpu, webgl, wasm, cpu in that order unless given; wasm only
   * with fedseg's Conv3D kernels, which are installed for it) and reports it.
   */
  init(order?: readonly string[]): Promise<BackendInfo>;
  /** Trains a fresh model on synthetic cases made inside the Worker. */
  trainDemo(opts: DemoOptions, onProgress: ProgressCallback<DemoProgress>): Promise<DemoSummary>;
  /** Stops the running job after its current step. */
  cancel(): void;
  /** Live tensor count (tf.memory().numTensors), for leak checks. */
  memory(): Promise<{ numTensors: number; numBytes: number }>;
}

export type { RegionScores };

// --- the site: federation, data, participation, review -------------------------------

import type { Plan } from '../core/protocol/plan.ts';
import type { InviteCheckResponse, RoundStatus } from '../core/protocol/messages.ts';
import type { Sequence } from '../core/types/sequences.ts';
import type { LedgerEntry } from './ledgerFetch.ts';
import type { PreparedRequest } from '../core/protocol/client/protocolClient.ts';

export type { Plan, RoundStatus, LedgerEntry, Sequence };

/** A file the page picked, with its path relative to the chosen folder. */
export interface LocalFile {
  readonly path: string;
  readonly file: File;
}

/** What the coordinator says of an invite before it is used. */
export type InviteCheck = InviteCheckResponse;

export interface SiteIdentityInfo {
  readonly siteId: string;
  readonly siteName: string;
  readonly federation: string;
  readonly planHash: string;
  readonly joinedAt: number;
}

export interface FederationInfo {
  readonly baseUrl: string;
  readonly plan: Plan;
  /** recomputed in the Worker from the plan itself */
  readonly planHash: string;
  /** this browser's stored identity for this coordinator, if it joined before */
  readonly identity: SiteIdentityInfo | null;
  /** a resumable participation was interrupted (reload, closed tab) */
  readonly resumable: { readonly round: number; readonly phase: string } | null;
}

export interface CaseSummary {
  readonly id: string;
  readonly source: 'nifti' | 'dicom';
  readonly found: Sequence[];
  readonly missing: Sequence[];
  /** of `missing` and the label: found but unreadable */
  readonly unreadable?: readonly (Sequence | 'label')[];
  readonly hasLabel: boolean;
  readonly dims: [number, number, number];
  readonly spacing: [number, number, number];
  readonly orientation: string;
  readonly sources: Partial<Record<Sequence | 'label', string>>;
  readonly notes: string[];
  /** all four sequences are there: the model can predict on it */
  readonly reviewable: boolean;
  readonly role: 'train' | 'validation' | 'excluded' | 'unusable';
  /** why the case cannot be used, in words */
  readonly reason?: string;
}

export interface DataSummary {
  readonly files: number;
  readonly bytes: number;
  readonly cases: CaseSummary[];
  readonly problems: { file: string; code: string; message: string }[];
  readonly unassigned: { kind: string; id: string; description: string; reason: string; caseId?: string }[];
  readonly assignments: { seriesUid: string; caseId: string; description: string; sequence: Sequence | null; how: string; reason: string }[];
  readonly train: number;
  readonly validation: number;
}

export type SitePhase = 'idle' | 'preparing' | 'loading' | 'validating' | 'training' | 'uploading' | 'waiting' | 'finished' | 'stopped' | 'failed';

export interface SiteProgress {
  readonly phase: SitePhase;
  readonly round: number;
  readonly rounds: number;
  readonly message: string;
  readonly step?: number;
  readonly steps?: number;
  readonly loss?: number;
  readonly etaMs?: number;
}

/** how a notice is shown: for information (neutral) or as a warning */
export type NoticeTone = 'info' | 'warning';

export type SiteEventForPage =
  | { readonly kind: 'progress'; readonly progress: SiteProgress }
  | { readonly kind: 'round'; readonly status: RoundStatus }
  /** `reported`: sent to the coordinator (false: fewer cases than the plan's validation.minReportCases) */
  | { readonly kind: 'evaluated'; readonly round: number; readonly cases: number; readonly dice: RegionScores; readonly hd95: RegionScores; readonly reported: boolean }
  | { readonly kind: 'trained'; readonly round: number; readonly meanLoss: number; readonly lastLoss: number; readonly uploadBytes: number; readonly status: string }
  /** `what`: the part of the round the coordinator did not take */
  | { readonly kind: 'refused'; readonly round: number; readonly what: 'evaluation' | 'update'; readonly code: string; readonly message: string }
  /** something the site's people should know that is not the coordinator's refusal; `tone`: for their information, or a problem to look at */
  | { readonly kind: 'notice'; readonly message: string; readonly tone: NoticeTone }
  | { readonly kind: 'ledger'; readonly entry: LedgerEntry }
  /** what the page sends if its tab closes while the site takes part (keepStopPrepared.ts); null: nothing */
  | { readonly kind: 'stop-on-close'; readonly request: PreparedRequest | null };

export interface ReviewVolume {
  readonly caseId: string;
  /** [nx, ny, nz] of the prediction's grid (the T1 as read; the other sequences and the label resampled onto it) */
  readonly dims: [number, number, number];
  readonly spacing: [number, number, number];
  /** voxel -> RAS mm, row-major 4x4 */
  readonly affine: number[];
  readonly images: Partial<Record<Sequence, Float32Array>>;
  readonly prediction: Uint8Array;
  readonly truth?: Uint8Array;
  readonly dice?: RegionScores;
  readonly hd95?: RegionScores;
  readonly modelHash: string;
  /** the rounds aggregated into that model (0: the initial model); `of` the plan's rounds */
  readonly modelRound: { readonly after: number; readonly of: number };
  readonly source: 'nifti' | 'dicom';
}

export interface SiteWorkerApi {
  /** Reads the plan from the coordinator at `baseUrl` and any identity stored for it. */
  connect(baseUrl: string, onEvent: ProgressCallback<SiteEventForPage>): Promise<FederationInfo>;
  /** Whether an invite can be used, and for which site, without using it (INVITE_INVALID when unknown or revoked). */
  checkInvite(inviteToken: string): Promise<InviteCheck>;
  /** Creates the site key (non-extractable), joins with the invite token, stores the identity. */
  join(inviteToken: string): Promise<SiteIdentityInfo>;
  /** Forgets this browser's identity and checkpoint for the connected coordinator. */
  forget(): Promise<void>;
  /** Reads `files` and finds the cases; `unopened` (entries the page could not open) are listed with the files it cannot use. */
  loadFiles(files: readonly LocalFile[], unopened: readonly FileProblem[], onProgress: ProgressCallback<{ done: number; total: number }>): Promise<DataSummary>;
  dataSummary(): Promise<DataSummary>;
  excludeCase(caseId: string, excluded: boolean): Promise<DataSummary>;
  assignSeries(seriesUid: string, sequence: Sequence | null): Promise<DataSummary>;
  /** Takes part in the federation's rounds until it finishes or `stopParticipating`. */
  participate(): Promise<void>;
  /** Resumes an interrupted participation from the IndexedDB checkpoint. */
  resume(): Promise<void>;
  stopParticipating(): Promise<void>;
  roundStatus(): Promise<RoundStatus>;
  /** Predicts a case with the federation's current global model. */
  review(caseId: string, onProgress: ProgressCallback<{ done: number; total: number }>): Promise<ReviewVolume>;
  /** The last reviewed prediction as a NIfTI file (gzip), on the case's source grid; `modelHash` that of the prediction shown (REVIEW_CHANGED otherwise). */
  /** Ends the review's prediction under way (it fails with PREDICTION_ABORTED); nothing when none runs. */
  cancelReview(): Promise<void>;
  exportNifti(caseId: string, modelHash: string): Promise<Uint8Array>;
  /** DICOM cases: the prediction as a DICOM SEG object; `modelHash` as for exportNifti. */
  exportDicomSeg(caseId: string, modelHash: string): Promise<Uint8Array>;
}

export type FedsegWorkerApi = TrainingWorkerApi & SiteWorkerApi;
