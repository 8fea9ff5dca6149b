/**
 * I/O and preprocessing of the real BraTS case (four 240x240x155 int16 .nii.gz files):
 * readNifti (fflate) and readNiftiAsync (native DecompressionStream) per sequence (gunzip
 * throughput in MB/s of decompressed NIfTI), prepareCase
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
import { readNifti, readNiftiAsync, type NiftiVolume } from '../src/io/nifti/readNifti.ts';
import { prepareCase } from '../src/io/prepareCase.ts';
import { sharedData } from '../src/node/sharedData.ts';

export interface IoBenchOptions {
  /** path prefix of the case's files; default the shared BraTS case */
  readonly prefix?: string;
  /** runs per figure, the best is kept (default 3) */
  readonly reps?: number;
  readonly patchSize?: number;
  readonly log?: (line: string) => void;
}

const defaultPrefix = (): string => sharedData('brats', 'BraTS19_TCIA08_105_1_');

/** process CPU time (all threads, ms): on a shared, loaded machine a steadier figure than wall time */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Timed<T> {
  /** best wall-clock time, ms */
  ms: number;
  /** best process CPU time, ms */
  cpu: number;
  result: T;
}

async function bestAsync<T>(reps: number, f: () => Promise<T>): Promise<Timed<T>> {
  let ms = Infinity;
  let cpu = Infinity;
  let result: T | undefined;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = cpuMs();
    result = await f();
    ms = Math.min(ms, performance.now() - t);
    cpu = Math.min(cpu, cpuMs() - c);
  }
  return { ms, cpu, result: result as T };
}

function best<T>(reps: number, f: () => T): Timed<T> {
  let ms = Infinity;
  let cpu = Infinity;
  let result: T | undefined;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = cpuMs();
    result = f();
    ms = Math.min(ms, performance.now() - t);
    cpu = Math.min(cpu, cpuMs() - c);
  }
  return { ms, cpu, result: result as T };
}

export async function benchNifti(opts: IoBenchOptions = {}): Promise<BenchRow[]> {
  const prefix = opts.prefix ?? defaultPrefix();
  const reps = Math.max(1, opts.reps ?? 3);
  const patch = opts.patchSize ?? 64;
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const files = Object.fromEntries([...SEQUENCES, 'seg_GroundTruth', 'seg_PIM'].map((s) => [s, readFileSync(`${prefix}${s}.nii.gz`)]));

  const images = {} as Record<Sequence, NiftiVolume>;
  let syncMs = 0;
  let nativeMs = 0;
  let syncCpu = 0;
  let nativeCpu = 0;
  let rawBytes = 0;
  for (const s of SEQUENCES) {
    const sync = best(reps, () => readNifti(files[s]!, `${s}.nii.gz`));
    const native = await bestAsync(reps, () => readNiftiAsync(files[s]!, `${s}.nii.gz`));
    images[s] = native.result;
    syncMs += sync.ms;
    nativeMs += native.ms;
    syncCpu += sync.cpu;
    nativeCpu += native.cpu;
    rawBytes += sync.result.header.voxOffset + sync.result.data.byteLength;
    log(`io: read ${s}: fflate ${sync.ms.toFixed(0)} ms, native ${native.ms.toFixed(0)} ms`);
  }
  rows.push({ suite: 'io', name: 'read 4 sequences (.nii.gz)', variant: 'readNifti (fflate)', value: syncMs, unit: 'ms', note: `cpu ${syncCpu.toFixed(0)} ms` });
  rows.push({ suite: 'io', name: 'read 4 sequences (.nii.gz)', variant: 'readNiftiAsync (DecompressionStream)', value: nativeMs, unit: 'ms', ratio: syncMs / nativeMs, baseline: 'readNifti (fflate)', note: `ratio = speed-up; cpu ${nativeCpu.toFixed(0)} ms` });
  rows.push({ suite: 'io', name: 'gunzip + parse throughput', variant: 'readNifti (fflate)', value: rawBytes / 1e6 / (syncMs / 1000), unit: 'MB/s', note: 'decompressed bytes' });
  rows.push({ suite: 'io', name: 'gunzip + parse throughput', variant: 'readNiftiAsync (DecompressionStream)', value: rawBytes / 1e6 / (nativeMs / 1000), unit: 'MB/s', note: 'decompressed bytes' });
  const readMs = nativeMs;

  const truth = readNifti(files.seg_GroundTruth!, 'seg_GroundTruth.nii.gz');
  const c: ImagingCase = { id: 'bench', images: images as unknown as Record<Sequence, Volume>, label: truth as Volume<Uint8Array> };
  const prep = best(reps, () => prepareCase(c, { patchSize: patch }));
  log(`io: prepareCase ${prep.ms.toFixed(0)} ms -> ${prep.result.dims.join('x')}`);
  rows.push({ suite: 'io', name: `prepareCase (patch ${patch})`, variant: 'node', value: prep.ms, unit: 'ms', note: `output ${prep.result.dims.join('x')}x4; cpu ${prep.cpu.toFixed(0)} ms` });
  const total = readMs + prep.ms;
  const totalCpu = nativeCpu + prep.cpu;
  rows.push({
    suite: 'io', name: 'read + prepare one BraTS case', variant: 'readNiftiAsync + prepareCase', value: total, unit: 'ms',
    note: `goal < 2000 ms: wall ${total < 2000 ? 'met' : 'missed'}, cpu ${totalCpu.toFixed(0)} ms ${totalCpu < 2000 ? 'met' : 'missed'}`,
  });

  const pred = readNifti(files.seg_PIM!, 'seg_PIM.nii.gz');
  const met = best(reps, () => regionMetrics(truth.data as Uint8Array, pred.data as Uint8Array, truth.dims, truth.spacing));
  rows.push({ suite: 'io', name: 'regionMetrics 240x240x155 (Dice + HD95, 3 regions)', variant: 'node', value: met.ms, unit: 'ms', note: `cpu ${met.cpu.toFixed(0)} ms` });

  const t1 = images.t1;
  const shifted = [...t1.affine];
  shifted[3] = shifted[3]! + 0.37;
  const rs = best(reps, () => resampleToGrid(t1, t1.dims, shifted, 'linear'));
  rows.push({ suite: 'io', name: 'resampleToGrid linear 240x240x155', variant: 'node', value: rs.ms, unit: 'ms', note: `cpu ${rs.cpu.toFixed(0)} ms` });
  return rows;
}
