/**
 * bench/results.*: the rows of a `fedseg bench` run, merged with an earlier run's under
 * --update, each row keeping the machine and time that measured it (a table mixing runs
 * says which rows came from which machine: only rows of one run compare).
 */
import type { BenchRow } from '../../../bench/benchRow.ts';

export interface BenchResults {
  readonly when: string;
  readonly machine: string;
  readonly rows: readonly BenchRow[];
  readonly failures?: readonly string[];
}

/**
 * The rows of this run (stamped with its machine and time), after the earlier run's rows of
 * the suites not run now. Rows are kept by the suite run that made them (`run`); rows written
 * before they said so fall back to their table suite, which several suites share. Earlier
 * rows without a machine get their file's.
 */
export function mergeBenchRows(earlier: BenchResults | undefined, now: readonly BenchRow[], rerun: ReadonlySet<string>, machine: string, when: string): BenchRow[] {
  const fresh = now.map((r) => ({ ...r, machine, when }));
  if (!earlier) return fresh;
  const legacy = new Set(now.map((r) => r.suite));
  const kept = earlier.rows
    .filter((r) => (r.run !== undefined ? !rerun.has(r.run) : !legacy.has(r.suite)))
    .map((r) => ({ ...r, machine: r.machine ?? earlier.machine, when: r.when ?? earlier.when }));
  return [...kept, ...fresh];
}

/** One `fedseg bench` run: the suites it ran, the rows of those that worked, and why the others failed. */
export interface BenchRun {
  readonly suites: readonly string[];
  readonly rows: readonly BenchRow[];
  /** suite -> why it failed */
  readonly failures: ReadonlyMap<string, string>;
  readonly machine: string;
  readonly when: string;
}

/**
 * results.json of a run; under --update (`earlier`), merged with the earlier file: its rows
 * of the suites not run now or run and failed stay (with their machine and time), and so do
 * its failures of the suites not run now (marked as earlier). A suite run again that worked
 * answers for itself.
 */
export function benchResults(earlier: BenchResults | undefined, run: BenchRun): BenchResults {
  const replaced = new Set(run.suites.filter((n) => !run.failures.has(n)));
  const ran = new Set(run.suites);
  const kept = (earlier?.failures ?? [])
    .filter((f) => !ran.has(f.slice(0, f.indexOf(':'))))
    .map((f) => (f.includes(' (earlier run, ') ? f : `${f} (earlier run, ${earlier!.when})`));
  return {
    when: run.when, machine: run.machine,
    rows: mergeBenchRows(earlier, run.rows, replaced, run.machine, run.when),
    failures: [...kept, ...[...run.failures].map(([n, why]) => `${n}: ${why}`)],
  };
}

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

/** results.md: which suites each machine ran and when, then the table, then the suites that failed. */
export function benchMarkdown(results: BenchResults): string {
  const runs = new Map<string, Set<string>>();
  for (const r of results.rows) {
    const key = `${r.when ?? results.when}, ${r.machine ?? results.machine}`;
    const suites = runs.get(key) ?? new Set<string>();
    runs.set(key, suites);
    suites.add(r.run ?? r.suite);
  }
  const measured = runs.size <= 1
    ? `${[...runs.keys()][0] ?? `${results.when}, ${results.machine}`}`
    : `Measured in ${runs.size} runs (compare rows of one run only):\n\n${[...runs].map(([key, suites]) => `- ${[...suites].join(', ')}: ${key}`).join('\n')}`;
  const failures = results.failures ?? [];
  return `# Benchmark results\n\n${measured}\n\n${benchTable(results.rows)}\n${failures.length ? `\nFailed suites:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : ''}`;
}
