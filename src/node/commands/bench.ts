/**
 * `fedseg bench [--suite model,kernels,io,dicom,aggregation,site-memory,case-storage] [--out bench]`: the benchmarks,
 * never part of `npm test`. Each suite measures its variants in the same run so that
 * figures compare as ratios; results go to bench/results.json and bench/results.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import type { BenchRow } from '../../../bench/benchRow.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { webgpuChildEnv } from '../nodeWebgpu.ts';
import type { Command } from '../command.ts';
import { benchMarkdown, benchResults, type BenchResults } from './benchResults.ts';

type Log = (line: string) => void;

/** The suites, as data: each loads its module lazily and returns its rows. */
const SUITES: Record<string, (log: Log) => Promise<BenchRow[]>> = {
  model: async (log) => (await import('../../../bench/modelBench.ts')).benchModels({ log }),
  // stock kernels at full 64^3 patches take minutes per layer on a CPU (and far more on
  // SwiftShader): smaller patches keep the run affordable; the ratio is what compares
  'kernels-cpu': async (log) =>
    (await import('../../../bench/kernelBench.ts')).benchKernels({ log, backends: ['cpu'], presets: ['tiny', 'standard', 'fets'], patchSize: { tiny: 16, standard: 32, fets: 32 } }),
  'kernels-webgpu': async (log) =>
    (await import('../../../bench/kernelBench.ts')).benchKernels({ log, backends: ['webgpu'], presets: ['tiny', 'standard'], patchSize: { tiny: 16, standard: 16 } }),
  // a process of its own (every suite has one): the device must be created with 'subgroups'
  'webgpu-subgroups': async (log) => (await import('../../../bench/kernelBench.ts')).benchSubgroupVariant({ log }),
  io: async (log) => (await import('../../../bench/ioBench.ts')).benchNifti({ log }),
  dicom: async (log) => (await import('../../../bench/dicomBench.ts')).benchDicom({ log }),
  'gpu-memory': async (log) => (await import('../../../bench/gpuMemoryBench.ts')).benchGpuMemory({ log }),
  aggregation: async () => (await import('../../../bench/aggregationBench.ts')).benchAggregationMemory(),
  'site-memory': async (log) => (await import('../../../bench/siteMemoryBench.ts')).benchSiteMemory({ log }),
  // in Debian's Chromium (FEDSEG_CHROMIUM), as the page reads its prepared cases back
  'case-storage': async (log) => (await import('../../../bench/caseStorageBench.ts')).benchCaseStorage({ log }),
};

const usage = `fedseg bench [--suite NAMES] [--out DIR] [--update]

Runs the benchmarks and writes DIR/results.json and DIR/results.md (default DIR: bench).
Suites (comma-separated; default all): ${Object.keys(SUITES).join(', ')}.
--update keeps the rows of DIR/results.json that the suites run now do not replace.
Figures are compared as ratios measured in the same run: machines are shared and noisy.
WebGPU runs through Dawn; without a GPU that is SwiftShader (a CPU), whose absolute
figures mean nothing: only its ratios do.`;

export const benchCommand: Command = {
  summary: 'run the benchmarks (model steps, Conv3D kernels, GPU memory, I/O, aggregation, site memory, case storage); write bench/results.*',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        suite: { type: 'string' },
        out: { type: 'string', default: 'bench' },
        update: { type: 'boolean', default: false },
        // internal: run one suite in this process and write its rows to this file
        'rows-file': { type: 'string' },
      },
      strict: true,
    });
    const names = values.suite ? values.suite.split(',').map((s) => s.trim()) : Object.keys(SUITES);
    for (const n of names) {
      if (!SUITES[n]) throw new FedsegError('UNKNOWN_BENCH_SUITE', `unknown suite "${n}"; known: ${Object.keys(SUITES).join(', ')}`);
    }
    if (values['rows-file']) {
      const rows: BenchRow[] = [];
      for (const n of names) rows.push(...(await SUITES[n]!((line) => console.error(`  ${line}`))));
      writeFileSync(values['rows-file'], JSON.stringify(rows));
      return 0;
    }
    // Each suite runs in a child process: a crash in one (a native backend, say) loses
    // only its rows, and Dawn finds the Vulkan loader through LD_LIBRARY_PATH, which is
    // read only at process start.
    const rows: BenchRow[] = [];
    const failures = new Map<string, string>();
    const scratch = mkdtempSync(`${tmpdir()}/fedseg-bench-`);
    try {
      for (const n of names) {
        const started = Date.now();
        console.error(`== bench ${n}`);
        const file = `${scratch}/${n}.json`;
        const r = spawnSync(process.execPath, [process.argv[1]!, 'bench', '--suite', n, '--rows-file', file], {
          stdio: ['ignore', 'inherit', 'inherit'],
          env: { ...process.env, ...webgpuChildEnv() },
        });
        if (r.status === 0) rows.push(...(JSON.parse(readFileSync(file, 'utf8')) as BenchRow[]).map((row) => ({ ...row, run: n })));
        else {
          failures.set(n, `the suite's process ended with ${r.status ?? r.signal}`);
          console.error(`  suite ${n} failed (exit ${r.status ?? r.signal})`);
        }
        console.error(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const outDir = resolve(values.out);
    // under --update, what the earlier run measured and this one did not replace stays
    const earlier = values.update && existsSync(join(outDir, 'results.json'))
      ? (JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as BenchResults)
      : undefined;
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    const results = benchResults(earlier, { suites: names, rows, failures, machine, when: new Date().toISOString() });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    const md = benchMarkdown(results);
    writeFileSync(join(outDir, 'results.md'), md);
    console.log(md);
    return failures.size ? 1 : 0;
  },
};
