/**
 * The GPU kit's command line, the entry that scripts/gpu-bench/build.mjs bundles:
 *
 *   gpuKit <phase> [--preset P] [--patch N] [--reps N] [--sizes 2048,4096] [--quick] [--out FILE]
 *   gpuKit merge --work DIR --out gpu-results.json [--machine a.txt,b.txt]
 *   gpuKit report gpu-results.json [--out gpu-results.md]
 *
 * Phases are those of bench/gpuBench.ts. Exits explicitly: Dawn's instance can keep
 * Node's event loop alive after the work is done.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GPU_PHASES, type GpuPhase, runGpuPhase } from '../../bench/gpuBench.ts';
import { type GpuResults, gpuResultsMarkdown, mergeGpuResults } from './gpuResults.ts';

const USAGE = `usage: gpuKit <${GPU_PHASES.join('|')}> [--preset P] [--patch N] [--reps N] [--sizes A,B] [--quick] [--out FILE]
       gpuKit merge --work DIR --out FILE [--machine a.txt,b.txt]
       gpuKit report RESULTS.json [--out FILE.md]`;

function emit(text: string, out: string | undefined): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

export async function gpuKitMain(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      preset: { type: 'string' }, patch: { type: 'string' }, reps: { type: 'string' }, sizes: { type: 'string' },
      quick: { type: 'boolean' }, out: { type: 'string' }, work: { type: 'string' }, machine: { type: 'string' },
    },
  });
  const [command, file] = positionals;
  if (command === 'merge') {
    if (!values.work || !values.out) throw new Error(`merge needs --work and --out\n${USAGE}`);
    const merged = mergeGpuResults(values.work, values.machine ? values.machine.split(',') : []);
    writeFileSync(values.out, JSON.stringify(merged, null, 2) + '\n');
    return 0;
  }
  if (command === 'report') {
    if (!file) throw new Error(`report needs the results file\n${USAGE}`);
    emit(gpuResultsMarkdown(JSON.parse(readFileSync(file, 'utf8')) as GpuResults), values.out);
    return 0;
  }
  if (!GPU_PHASES.includes(command as GpuPhase)) throw new Error(`unknown command "${command ?? ''}"\n${USAGE}`);
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const patch = num(values.patch);
  const reps = num(values.reps);
  const result = await runGpuPhase(command as GpuPhase, {
    ...(values.preset ? { preset: values.preset } : {}),
    ...(patch !== undefined ? { patch } : {}),
    ...(reps !== undefined ? { reps } : {}),
    ...(values.sizes ? { sizes: values.sizes.split(',').map(Number) } : {}),
    quick: values.quick ?? false,
  });
  emit(JSON.stringify(result, null, 2) + '\n', values.out);
  return result.ok ? 0 : 1;
}

gpuKitMain(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
