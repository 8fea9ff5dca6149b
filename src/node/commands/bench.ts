/**
 * `fedseg bench [--suite model,kernels,io,dicom,aggregation] [--out bench]`: the benchmarks,
 * never part of `npm test`. Each suite measures its variants in the same run so that
 * figures compare as ratios; results go to bench/results.json and bench/results.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import type { BenchRow } from '../../../bench/benchRow.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { webgpuChildEnv } from '../nodeWebgpu.ts';
import type { Command } from '../command.ts';

type Log = (line: string) => void;

/** The suites, as data: each loads its module lazily and returns its rows. */
const SUITES: Record<string, (log: Log) => Promise<BenchRow[]>> = {
  model: async (log) => (await import('../../../bench/modelBench.ts')).benchModels({ log }),
  // stock kernels at full 64^3 patches take minutes per layer on a CPU (and far more on
  // SwiftShader): smaller patches keep the run affordable; the ratio is what compares
  kernels: async (log) => {
    const { benchKernels } = await import('../../../bench/kernelBench.ts');
    const cpu = await benchKernels({ log, backends: ['cpu'], presets: ['tiny', 'standard', 'fets'], patchSize: { tiny: 16, standard: 32, fets: 32 } });
    const gpu = await benchKernels({ log, backends: ['webgpu'], presets: ['tiny', 'standard'], patchSize: { tiny: 16, standard: 16 } });
    return [...cpu, ...gpu];
  },
  io: async (log) => (await import('../../../bench/ioBench.ts')).benchNifti({ log }),
  dicom: async (log) => (await import('../../../bench/dicomBench.ts')).benchDicom({ log }),
  'gpu-memory': async (log) => (await import('../../../bench/gpuMemoryBench.ts')).benchGpuMemory({ log }),
  aggregation: async () => (await import('../../../bench/aggregationBench.ts')).benchAggregationMemory(),
};

const usage = `fedseg bench [--suite NAMES] [--out DIR]

Runs the benchmarks and writes DIR/results.json and DIR/results.md (default DIR: bench).
Suites (comma-separated; default all): ${Object.keys(SUITES).join(', ')}.
Figures are compared as ratios measured in the same run: machines are shared and noisy.
WebGPU runs through Dawn; without a GPU that is SwiftShader (a CPU), whose absolute
figures mean nothing: only its ratios do.`;

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/** A markdown table of rows. */
export function benchTable(rows: readonly BenchRow[]): string {
  const head = '| suite | what | variant | value | unit | ratio | note |\n| --- | --- | --- | ---: | --- | ---: | --- |';
  const body = rows.map((r) =>
    `| ${r.suite} | ${r.name} | ${r.variant} | ${fmt(r.value)} | ${r.unit} | ${r.ratio === undefined ? '' : `${fmt(r.ratio)}x vs ${r.baseline ?? 'baseline'}`} | ${r.note ?? ''} |`,
  );
  return [head, ...body].join('\n');
}

export const benchCommand: Command = {
  summary: 'run the benchmarks (model, kernels, io, dicom, aggregation); write bench/results.*',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { suite: { type: 'string' }, out: { type: 'string', default: 'bench' } },
      strict: true,
    });
    // Dawn finds the Vulkan loader through LD_LIBRARY_PATH, read only at process start.
    const extra = webgpuChildEnv();
    if (Object.keys(extra).length > 0 && !process.env.FEDSEG_BENCH_CHILD) {
      const r = spawnSync(process.execPath, process.argv.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, ...extra, FEDSEG_BENCH_CHILD: '1' },
      });
      return r.status ?? 1;
    }
    const names = values.suite ? values.suite.split(',').map((s) => s.trim()) : Object.keys(SUITES);
    for (const n of names) {
      if (!SUITES[n]) throw new FedsegError('UNKNOWN_BENCH_SUITE', `unknown suite "${n}"; known: ${Object.keys(SUITES).join(', ')}`);
    }
    const rows: BenchRow[] = [];
    const failures: string[] = [];
    for (const n of names) {
      const started = Date.now();
      console.error(`== bench ${n}`);
      try {
        rows.push(...(await SUITES[n]!((line) => console.error(`  ${line}`))));
      } catch (e) {
        failures.push(`${n}: ${(e as Error).message}`);
        console.error(`  suite ${n} failed: ${(e as Error).message}`);
      }
      console.error(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    const outDir = resolve(values.out);
    mkdirSync(outDir, { recursive: true });
    const when = new Date().toISOString();
    writeFileSync(join(outDir, 'results.json'), JSON.stringify({ when, machine, rows, failures }, null, 2) + '\n');
    const md = `# Benchmark results\n\n${when}, ${machine}\n\n${benchTable(rows)}\n${failures.length ? `\nFailed suites:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : ''}`;
    writeFileSync(join(outDir, 'results.md'), md);
    console.log(md);
    return failures.length ? 1 : 0;
  },
};
