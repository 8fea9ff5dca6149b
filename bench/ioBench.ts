/**
 * I/O and preprocessing of the real BraTS case (four 240x240x155 int16 .nii.gz files):
 * readNifti per sequence (gunzip throughput in MB/s of decompressed NIfTI), prepareCase
 * to 64^3 patches, the total (goal: under 2 s in Node), plus regionMetrics and a
 * full-grid trilinear resampling for scale. Best of `reps` runs. Not a test.
 */
import { readFileSync } from 'node:fs';
import type { BenchRow } from './benchRow.ts';
import { resampleToGrid } from '../src/core/geometry/resampleToGrid.ts';
import { regionMetrics } from '../src/core/metrics/regionMetrics.ts';
import type { ImagingCase } from '../src/core/types/case.ts';
import { SEQUENCES, type Sequence } from '../src/core/types/sequences.ts';
import type { Volume } from '../src/core/types/volume.ts';
import { readNifti, type NiftiVolume } from '../src/io/nifti/readNifti.ts';
import { prepareCase } from '../src/io/prepareCase.ts';

export interface IoBenchOptions {
  /** path prefix of the case's files; default the shared BraTS case */
  readonly prefix?: string;
  /** runs per figure, the best is kept (default 3) */
  readonly reps?: number;
  readonly patchSize?: number;
  readonly log?: (line: string) => void;
}

const DEFAULT_PREFIX = '/work/shared/data/brats/BraTS19_TCIA08_105_1_';

function best<T>(reps: number, f: () => T): { ms: number; result: T } {
  let ms = Infinity;
  let result: T | undefined;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    result = f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, result: result as T };
}

export async function benchNifti(opts: IoBenchOptions = {}): Promise<BenchRow[]> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const reps = Math.max(1, opts.reps ?? 3);
  const patch = opts.patchSize ?? 64;
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const files = Object.fromEntries([...SEQUENCES, 'seg_GroundTruth', 'seg_PIM'].map((s) => [s, readFileSync(`${prefix}${s}.nii.gz`)]));

  const images = {} as Record<Sequence, NiftiVolume>;
  let readMs = 0;
  let rawBytes = 0;
  for (const s of SEQUENCES) {
    const { ms, result } = best(reps, () => readNifti(files[s]!, `${s}.nii.gz`));
    images[s] = result;
    readMs += ms;
    rawBytes += result.header.voxOffset + result.data.byteLength;
    log(`io: read ${s} ${ms.toFixed(0)} ms`);
  }
  rows.push({ suite: 'io', name: 'readNifti 4 sequences (.nii.gz)', variant: 'node', value: readMs, unit: 'ms' });
  rows.push({ suite: 'io', name: 'gunzip + parse throughput', variant: 'node', value: rawBytes / 1e6 / (readMs / 1000), unit: 'MB/s', note: 'decompressed bytes' });

  const truth = readNifti(files.seg_GroundTruth!, 'seg_GroundTruth.nii.gz');
  const c: ImagingCase = { id: 'bench', images: images as unknown as Record<Sequence, Volume>, label: truth as Volume<Uint8Array> };
  const prep = best(reps, () => prepareCase(c, { patchSize: patch }));
  log(`io: prepareCase ${prep.ms.toFixed(0)} ms -> ${prep.result.dims.join('x')}`);
  rows.push({ suite: 'io', name: `prepareCase (patch ${patch})`, variant: 'node', value: prep.ms, unit: 'ms', note: `output ${prep.result.dims.join('x')}x4` });
  const total = readMs + prep.ms;
  rows.push({ suite: 'io', name: 'read + prepare one BraTS case', variant: 'node', value: total, unit: 'ms', note: `goal < 2000 ms: ${total < 2000 ? 'met' : 'missed'}` });

  const pred = readNifti(files.seg_PIM!, 'seg_PIM.nii.gz');
  const met = best(reps, () => regionMetrics(truth.data as Uint8Array, pred.data as Uint8Array, truth.dims, truth.spacing));
  rows.push({ suite: 'io', name: 'regionMetrics 240x240x155 (Dice + HD95, 3 regions)', variant: 'node', value: met.ms, unit: 'ms' });

  const t1 = images.t1;
  const shifted = [...t1.affine];
  shifted[3] = shifted[3]! + 0.37;
  const rs = best(reps, () => resampleToGrid(t1, t1.dims, shifted, 'linear'));
  rows.push({ suite: 'io', name: 'resampleToGrid linear 240x240x155', variant: 'node', value: rs.ms, unit: 'ms' });
  return rows;
}
