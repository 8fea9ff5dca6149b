/**
 * What a site's Worker holds, measured: the real BraTS case prepared for 64^3 and 16^3
 * patches (image kept as half floats, labels), the time to cut a batch of two 64^3
 * patches from it, and the ArrayBuffer memory a synthetic DICOM study (four uncompressed
 * 240x240x155 series), read from disk as the Worker reads a folder (StoredFiles), leaves
 * held after discovery, with the time to read and decode the case again. Memory is read
 * after a forced garbage collection. Not a test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchRow } from './benchRow.ts';
import { PatchSampler } from '../src/core/train/patchSampler.ts';
import { caseImageBox, wholeGridImage } from '../src/core/train/caseImage.ts';
import type { TrainingCase } from '../src/core/types/case.ts';
import { syntheticDicomSeries, testUid } from '../src/io/dicom/testing/syntheticDicom.ts';
import { discoverCases } from '../src/io/discovery/discoverCases.ts';
import { prepareCase } from '../src/io/prepareCase.ts';
import { readFolder } from '../src/node/readFolder.ts';
import { sharedData } from '../src/node/sharedData.ts';

export interface SiteMemoryBenchOptions {
  readonly log?: (line: string) => void;
}

/** a forced garbage collection (the flag set at run time: the suite's process starts without it) */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const MB = 1e6;

export async function benchSiteMemory(opts: SiteMemoryBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const gc = collector();
  const rows: BenchRow[] = [];

  const report = await discoverCases(readFolder([sharedData('brats')]).files);
  const brats = report.cases.find((c) => c.loadImaging && c.hasLabel);
  if (!brats) throw new Error('siteMemoryBench: the shared BraTS case was not found complete');
  const imaging = await brats.loadImaging!();
  for (const patchSize of [64, 16]) {
    const c = prepareCase(imaging, { patchSize });
    const wholeBytes = 8 * c.dims[0] * c.dims[1] * c.dims[2];
    const box = caseImageBox(c).dims.join('x');
    const note = `a ${c.dims.join('x')} grid, its image held on the ${box} brain box; the whole grid would take ${(wholeBytes / MB).toFixed(1)} MB as halves, ${((2 * wholeBytes) / MB).toFixed(1)} MB as float32`;
    log(`BraTS case prepared for ${patchSize}^3: image ${(c.image.byteLength / MB).toFixed(1)} MB, label ${((c.label?.byteLength ?? 0) / MB).toFixed(1)} MB`);
    rows.push({ suite: 'site-memory', name: `prepared BraTS case, ${patchSize}^3 patches: image (half floats)`, variant: 'node', value: c.image.byteLength / MB, unit: 'MB', note });
    rows.push({ suite: 'site-memory', name: `prepared BraTS case, ${patchSize}^3 patches: label`, variant: 'node', value: (c.label?.byteLength ?? 0) / MB, unit: 'MB' });
    if (patchSize === 64) {
      // the same batches from the brain box and from the whole grid, timed in turn in one run
      const whole: TrainingCase = { id: c.id, dims: c.dims, spacing: c.spacing, image: wholeGridImage(c), ...(c.label ? { label: c.label } : {}) };
      const timeBatches = async (tc: TrainingCase): Promise<number> => {
        const sampler = new PatchSampler([tc], { patchSize: 64, seed: 1 });
        for (let i = 0; i < 5; i++) await sampler.next(2);
        const t = performance.now();
        for (let i = 0; i < 20; i++) await sampler.next(2);
        return (performance.now() - t) / 20;
      };
      let best = Infinity;
      let bestWhole = Infinity;
      for (let r = 0; r < 3; r++) {
        best = Math.min(best, await timeBatches(c));
        bestWhole = Math.min(bestWhole, await timeBatches(whole));
      }
      log(`a batch of two 64^3 patches: ${best.toFixed(1)} ms from the brain box, ${bestWhole.toFixed(1)} ms from the whole grid`);
      rows.push({ suite: 'site-memory', name: 'cut a batch of two 64^3 patches: brain box / whole grid', variant: 'node', value: best / bestWhole, unit: 'x', note: `${best.toFixed(1)} against ${bestWhole.toFixed(1)} ms, best of 3 runs of 20 batches each, taken in turn` });
      rows.push({ suite: 'site-memory', name: 'cut a batch of two 64^3 patches (from halves)', variant: 'node', value: best, unit: 'ms', note: 'from the brain box; best of 3 runs of 20 batches' });
    }
  }

  const tmp = mkdtempSync(join(tmpdir(), 'fedseg-site-memory-'));
  try {
    const study = testUid();
    let fileBytes = 0;
    for (const [i, d] of ['T1', 'T1 POST GD', 'T2', 'FLAIR'].entries()) {
      for (const f of syntheticDicomSeries({ dims: [240, 240, 155], studyUid: study, description: d, seriesNumber: i + 1, folder: `p/s${i}`, value: (a, b, k) => (a + b + k) % 1000 })) {
        mkdirSync(join(tmp, dirname(f.name)), { recursive: true });
        writeFileSync(join(tmp, f.name), new Uint8Array(f.bytes));
        fileBytes += f.bytes.byteLength;
      }
    }
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const found = await discoverCases(readFolder([join(tmp, 'p')]).files);
    gc();
    const held = Math.max(0, process.memoryUsage().arrayBuffers - before);
    const t = performance.now();
    await found.cases[0]!.loadImaging!();
    const decodeMs = performance.now() - t;
    log(`DICOM study of 4 x 240x240x155 (${(fileBytes / MB).toFixed(1)} MB of files): ${(held / MB).toFixed(1)} MB held after discovery; read and decoded again in ${decodeMs.toFixed(0)} ms`);
    rows.push({ suite: 'site-memory', name: 'DICOM study (4 x 240x240x155, uncompressed, files on disk): ArrayBuffers held after discovery', variant: 'node', value: held / MB, unit: 'MB', note: `${(fileBytes / MB).toFixed(1)} MB of files, read once by discovery and let go` });
    rows.push({ suite: 'site-memory', name: 'DICOM study (4 x 240x240x155): read and decoded again when prepared or reviewed', variant: 'node', value: decodeMs, unit: 'ms' });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
