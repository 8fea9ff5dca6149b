/**
 * The GPU kit's results: `mergeGpuResults` gathers what scripts/gpu-bench/run.sh left in
 * its work folder (one JSON per phase, their exit codes and times, nvidia-smi, the
 * PyTorch anchor, the kit's manifest) into one object, written as gpu-results.json;
 * `gpuResultsMarkdown` turns that object into the tables of docs/performance.md, with
 * the issue's two targets (fedseg's convolutions at >= 30% of the GPU's float32 matrix
 * product rate; a standard training step >= 5x faster than with stock tfjs kernels).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from '../../bench/benchRow.ts';
import { kernelBenchTable } from '../../bench/kernelBench.ts';

export interface PhaseRecord {
  /** run.sh's name for the phase, e.g. "kernels-standard-64" */
  readonly name: string;
  /** exit code; 124 or 137: killed by its timeout */
  readonly rc: number;
  readonly seconds: number;
  readonly timedOut: boolean;
  /** the phase's own JSON (a GpuPhaseResult, or the torch anchor's), when it wrote one */
  readonly result?: unknown;
}

export interface GpuResults {
  readonly kit?: unknown;
  readonly machine: Readonly<Record<string, string>>;
  readonly phases: readonly PhaseRecord[];
}

interface TorchMatmul { n: number; tf32: boolean; ms: number; gflops: number }
interface TorchStep { preset: string; patch: number; concat: string; tf32: boolean; ms_per_step: number; gflop_per_step: number; gflops: number; max_memory_gib?: number }
interface TorchAnchor { device?: string; driver?: string; torch?: string; matmul?: TorchMatmul[]; unet?: TorchStep[] }
interface PhaseResultLike { ok?: boolean; adapter?: string; rows?: BenchRow[]; data?: unknown; error?: string; options?: { preset?: string; patch?: number } }

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

function readJson(path: string): unknown {
  const text = readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    return { unreadable: `${path}: ${String(err)}`, text: text.slice(0, 2000) };
  }
}

/**
 * Reads `work`: phases.txt (one line per phase: name, exit code, seconds), <name>.json
 * per phase, manifest.json, and machine-*.txt (each becomes machine[*]).
 */
export function mergeGpuResults(work: string, machineFiles: readonly string[]): GpuResults {
  const phases: PhaseRecord[] = [];
  for (const line of (readText(join(work, 'phases.txt')) ?? '').split('\n')) {
    const [name, rc, seconds] = line.trim().split(/\s+/);
    if (!name) continue;
    const code = Number(rc);
    const result = readJson(join(work, `${name}.json`));
    phases.push({ name, rc: code, seconds: Number(seconds), timedOut: code === 124 || code === 137, ...(result !== undefined ? { result } : {}) });
  }
  const machine: Record<string, string> = {};
  for (const f of machineFiles) {
    const text = readText(join(work, f));
    if (text !== undefined) machine[f.replace(/\.txt$/, '')] = text;
  }
  const kit = readJson(join(work, 'manifest.json'));
  return { ...(kit !== undefined ? { kit } : {}), machine, phases };
}

const fmt = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
/** GFLOP/s: whole numbers on a GPU, three significant digits for SwiftShader's small rates */
const gf = (v: number | undefined): string => (v !== undefined && Math.abs(v) < 10 ? fmt(v, 3) : fmt(v, 0));
const SKIPPED: Record<number, string> = { [-1]: 'skipped (no torch here)', [-2]: 'skipped: the time budget was spent' };

function phaseResults(r: GpuResults, prefix: string): { rec: PhaseRecord; res: PhaseResultLike }[] {
  return r.phases.filter((p) => p.name.startsWith(prefix)).map((rec) => ({ rec, res: (rec.result ?? {}) as PhaseResultLike }));
}

/** The issue's anchor: PyTorch's float32 (TF32 off) rate on the largest matrix product it timed. */
export function torchFloat32Rate(t: TorchAnchor | undefined): TorchMatmul | undefined {
  return (t?.matmul ?? []).filter((m) => !m.tf32).sort((a, b) => b.n - a.n)[0];
}

/** Markdown tables of a GpuResults: machine, matrix products, convolutions, training steps, correctness, phases. */
export function gpuResultsMarkdown(r: GpuResults): string {
  // every torch phase (standard, fets) adds its steps; the first one that ran carries the device and matmul
  const anchors = phaseResults(r, 'torch').map((p) => p.res as TorchAnchor).filter((t) => t.torch);
  const torch: TorchAnchor | undefined = anchors[0] && { ...anchors[0], matmul: anchors.flatMap((t) => t.matmul ?? []), unet: anchors.flatMap((t) => t.unet ?? []) };
  const anchor = torchFloat32Rate(torch);
  const info = phaseResults(r, 'info')[0]?.res;
  const out: string[] = [];
  const kit = (r.kit ?? {}) as Record<string, unknown>;
  out.push('### Machine', '');
  out.push(`- GPU (nvidia-smi): ${(r.machine['nvidia-smi-csv'] ?? 'not read').split('\n').slice(1).join('; ') || 'not read'}`);
  out.push(`- WebGPU adapter (Dawn, Vulkan): ${info?.adapter ?? 'not read'}`);
  out.push(`- PyTorch: ${torch?.torch ?? '-'} on ${torch?.device ?? '-'}, driver ${torch?.driver ?? '-'}`);
  out.push(`- kit: node ${String(kit.node ?? '-')}, webgpu (Dawn) ${String(kit.webgpu ?? '-')}, tfjs ${String(kit.tfjs ?? '-')}, fedseg commit ${String(kit.commit ?? '-')}`);
  if (r.machine.local) out.push(`- **local run**: ${r.machine.local} (SwiftShader: only ratios mean anything)`);

  out.push('', '### Float32 matrix products', '', '| n x n x n | where | ms | GFLOP/s |', '| --- | --- | ---: | ---: |');
  for (const m of torch?.matmul ?? []) out.push(`| ${m.n} | PyTorch ${m.tf32 ? 'TF32' : 'float32 (TF32 off)'} | ${fmt(m.ms, 2)} | ${gf(m.gflops)} |`);
  for (const { res } of phaseResults(r, 'matmul')) {
    for (const row of (res.rows ?? []).filter((x) => x.unit === 'GFLOP/s')) {
      const ms = res.rows?.find((x) => x.name === row.name && x.unit === 'ms');
      out.push(`| ${row.name.split('x')[0]} | tfjs ${row.variant} | ${fmt(ms?.value, 2)} | ${gf(row.value)} |`);
    }
  }

  out.push('', '### Convolutions of one training step (all Conv3D layers, forward + both gradients)', '');
  out.push(`Target: fedseg's kernels at >= 30% of the GPU's float32 matrix product rate (${anchor ? `PyTorch ${anchor.n}^3, ${fmt(anchor.gflops, 0)} GFLOP/s` : 'not measured'}).`, '');
  for (const { rec, res } of phaseResults(r, 'kernels')) {
    const rows = res.rows ?? [];
    if (!rows.length) {
      out.push(`${rec.name}: no rows (${rec.timedOut ? 'timed out' : res.error ?? `exit ${rec.rc}`})`, '');
      continue;
    }
    out.push(kernelBenchTable(rows), '');
    if (anchor) {
      for (const row of rows.filter((x) => x.unit === 'GFLOP/s' && x.ratio !== undefined)) {
        out.push(`- ${row.name}: fedseg ${gf(row.value)} GFLOP/s = ${fmt((100 * row.value) / anchor.gflops)}% of PyTorch float32 matmul`);
      }
      out.push('');
    }
  }

  out.push('### Training steps (sample, forward, Dice + BCE, backward, Adam), batch 1', '');
  out.push("Target: on WebGPU, a standard step at least 5x faster with fedseg's kernels than with stock tfjs kernels. Last losses: the same seed and data for both kernel sets, so they should agree closely.", '');
  out.push('| preset, patch | WebGPU stock s/step | WebGPU fedseg s/step | fedseg vs stock | fedseg GFLOP/s | PyTorch float32 s/step | PyTorch / fedseg time | WebGPU pool after fedseg steps | last loss fedseg / stock |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const { rec, res } of phaseResults(r, 'model')) {
    const rows = res.rows ?? [];
    const fast = rows.find((x) => x.unit === 's/step' && x.variant.endsWith('fedseg kernels'));
    const stock = rows.find((x) => x.unit === 's/step' && x.variant.endsWith('stock kernels'));
    const fastG = rows.find((x) => x.unit === 'GFLOP/s' && x.variant.endsWith('fedseg kernels'));
    const preset = res.options?.preset ?? '?';
    const patch = res.options?.patch ?? 0;
    const t = (torch?.unet ?? []).find((u) => u.preset === preset && u.patch === patch && !u.tf32 && u.concat === 'cat');
    const timings = (res.data ?? {}) as Record<string, { memory?: { numBytesAllocatedInGPU?: number }; lastLoss?: number }>;
    const mem = timings['fedseg kernels']?.memory?.numBytesAllocatedInGPU;
    const losses = `${fmt(timings['fedseg kernels']?.lastLoss, 4)} / ${fmt(timings['stock kernels']?.lastLoss, 4)}`;
    const failed = !fast && !stock ? ` (${rec.timedOut ? 'timed out' : res.error ?? `exit ${rec.rc}`})` : '';
    out.push(
      `| ${preset}, ${patch}^3${failed} | ${fmt(stock?.value, 3)} | ${fmt(fast?.value, 3)} | ${fast?.ratio ? `${fmt(fast.ratio, 2)}x` : '-'} | ${gf(fastG?.value)} | ` +
        `${t ? fmt(t.ms_per_step / 1000, 4) : '-'} | ${t && fast ? `${fmt(t.ms_per_step / 1000 / fast.value, 3)}` : '-'} | ${mem ? `${fmt(mem / 2 ** 30, 2)} GiB` : '-'} | ${losses} |`,
    );
  }
  const torchOnly = (torch?.unet ?? []).map((u) => `${u.preset} ${u.patch}^3 ${u.concat}${u.tf32 ? ' TF32' : ''}: ${fmt(u.ms_per_step, 2)} ms/step, ${gf(u.gflops)} GFLOP/s${u.max_memory_gib ? `, ${fmt(u.max_memory_gib, 2)} GiB` : ''}`);
  if (torchOnly.length) out.push('', `PyTorch anchor steps: ${torchOnly.join('; ')}.`);

  out.push('', '### Correctness of fedseg\'s WebGPU kernels on this GPU', '');
  for (const { rec, res } of phaseResults(r, 'check')) {
    const d = (res.data ?? {}) as { worstRelativeError?: number; comparisons?: { against: string; conv: string; kernel: string; relativeError: number }[] };
    const bad = (d.comparisons ?? []).filter((c) => !(c.relativeError < 1e-3));
    out.push(`- ${rec.name}: worst relative error ${d.worstRelativeError?.toExponential(2) ?? '-'} over ${d.comparisons?.length ?? 0} comparisons${res.error ? `; error: ${res.error}` : ''}${bad.length ? `; ABOVE 1e-3: ${bad.map((c) => `${c.kernel} ${c.conv} vs ${c.against}: ${c.relativeError.toExponential(2)}`).join('; ')}` : ''}`);
  }
  for (const { rec, res } of phaseResults(r, 'subgroups')) {
    for (const row of (res.rows ?? []).filter((x) => x.ratio !== undefined)) out.push(`- ${rec.name}: ${row.name}: subgroup / plain time ${fmt(row.ratio, 2)}`);
  }

  out.push('', '### Phases', '', '| phase | exit | seconds | note |', '| --- | ---: | ---: | --- |');
  for (const p of r.phases) {
    const res = (p.result ?? {}) as PhaseResultLike;
    out.push(`| ${p.name} | ${p.rc} | ${fmt(p.seconds, 0)} | ${SKIPPED[p.rc] ?? (p.timedOut ? 'timed out' : res.error ? res.error.slice(0, 120).replace(/\|/g, '/') : p.result === undefined ? 'no result file' : '')} |`);
  }
  return out.join('\n') + '\n';
}
