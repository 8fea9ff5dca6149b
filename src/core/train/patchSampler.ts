/**
 * Training patches: a fixed cubic shape for the whole run (the WebGPU buffer pool keys
 * buffers by size), foreground oversampling as nnU-Net (a fraction of the patches, 1/3
 * by default, centred on a tumour voxel), random flips on each axis and per-channel
 * intensity scale/shift. Deterministic for a seed.
 */
import type { TrainingCase } from '../types/case.ts';
import { isCaseSet, loadCase, type CaseList } from './caseSet.ts';
import { voxelCount } from '../types/volume.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { checkCaseImage } from './caseImage.ts';
import { extractPatch } from './extractPatch.ts';
import { regionTargets } from './regionTargets.ts';

export interface PatchSamplerOptions {
  readonly patchSize: number;
  readonly seed: number;
  /** fraction of patches centred on a tumour voxel; default 1/3 */
  readonly foregroundFraction?: number;
  /** random flips along x, y, z (default true) */
  readonly flip?: boolean;
  /** per-channel intensity scale in [1-a, 1+a] and shift in [-a, a] (default a = 0.1; 0 turns it off) */
  readonly intensity?: number;
}

export interface PatchBatch {
  readonly batch: number;
  readonly patchSize: number;
  /** [batch, p, p, p, 4] */
  readonly image: Float32Array;
  /** [batch * p^3, 3] region targets (ET, TC, WT) */
  readonly targets: Float32Array;
  /** [batch, p, p, p] labels {0,1,2,4} */
  readonly labels: Uint8Array;
  /** how many of the patches were centred on tumour */
  readonly foreground: number;
}

/** Checks that a case can be trained on; TRAINING_CASE names the case and what is wrong. */
export function checkTrainingCase(c: TrainingCase): void {
  checkCaseImage(c, 'TRAINING_CASE', `case ${c.id}`);
  const n = voxelCount(c.dims);
  if (!c.label) throw new FedsegError('TRAINING_CASE', `case ${c.id}: training needs a label volume; found none`);
  if (c.label.length !== n) {
    throw new FedsegError('TRAINING_CASE', `case ${c.id}: expected ${n} label values (${c.dims.join('x')}); found ${c.label.length}`);
  }
}

export class PatchSampler {
  private readonly cases: CaseList;
  private readonly opts: Required<PatchSamplerOptions>;
  private readonly rng: Rng;
  /** per case index: its tumour voxels, found when the case is first drawn */
  private readonly foregroundVoxels = new Map<number, Int32Array>();
  /** the case indices checked (checkTrainingCase) */
  private readonly checked = new Set<number>();

  /** Cases in an array are checked at once; cases of a CaseSet when each is first drawn. */
  constructor(cases: CaseList, opts: PatchSamplerOptions) {
    if (cases.length === 0) throw new FedsegError('NO_TRAINING_CASES', 'expected at least one labelled case; found none');
    if (!isCaseSet(cases)) cases.forEach((c, i) => (checkTrainingCase(c), this.checked.add(i)));
    this.cases = cases;
    this.opts = { foregroundFraction: 1 / 3, flip: true, intensity: 0.1, ...opts };
    this.rng = new Rng(opts.seed);
  }

  /** The next `batch` patches; the same for a seed whether the cases are an array or a CaseSet. */
  async next(batch: number): Promise<PatchBatch> {
    const p = this.opts.patchSize;
    const n = p * p * p;
    const image = new Float32Array(batch * n * 4);
    const labels = new Uint8Array(batch * n);
    let foreground = 0;
    for (let b = 0; b < batch; b++) {
      const ci = this.rng.int(0, this.cases.length);
      const c = await loadCase(this.cases, ci);
      if (!this.checked.has(ci)) {
        checkTrainingCase(c);
        this.checked.add(ci);
      }
      const fg = this.rng.next() < this.opts.foregroundFraction ? this.foregroundOf(ci, c) : undefined;
      let start: [number, number, number];
      if (fg && fg.length > 0) {
        const v = fg[this.rng.int(0, fg.length)] as number;
        const [nx, ny] = c.dims;
        const centre = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
        start = [0, 1, 2].map((a) => clampStart((centre[a] as number) - (p >> 1), c.dims[a] as number, p)) as [number, number, number];
        foreground++;
      } else {
        start = [0, 1, 2].map((a) => {
          const d = c.dims[a] as number;
          return this.rng.int(Math.min(0, d - p), Math.max(0, d - p) + 1);
        }) as [number, number, number];
      }
      const flip = [0, 1, 2].map(() => this.opts.flip && this.rng.next() < 0.5) as [boolean, boolean, boolean];
      const a = this.opts.intensity;
      const scale = [0, 1, 2, 3].map(() => this.rng.uniform(1 - a, 1 + a));
      const shift = [0, 1, 2, 3].map(() => this.rng.uniform(-a, a));
      extractPatch(c, { start, size: p, flip, scale, shift }, image, b * n * 4, labels, b * n);
    }
    return { batch, patchSize: p, image, targets: regionTargets(labels), labels, foreground };
  }

  private foregroundOf(ci: number, c: TrainingCase): Int32Array {
    let fg = this.foregroundVoxels.get(ci);
    if (!fg) {
      const label = c.label as Uint8Array;
      let count = 0;
      for (let i = 0; i < label.length; i++) if (label[i] !== 0) count++;
      fg = new Int32Array(count);
      let k = 0;
      for (let i = 0; i < label.length; i++) if (label[i] !== 0) fg[k++] = i;
      this.foregroundVoxels.set(ci, fg);
    }
    return fg;
  }
}

/** Window start along one axis: as asked, kept so that the window overlaps the volume fully where it can. */
function clampStart(s: number, dim: number, p: number): number {
  const lo = Math.min(0, dim - p);
  const hi = Math.max(0, dim - p);
  return Math.max(lo, Math.min(hi, s));
}
