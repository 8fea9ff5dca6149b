import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../../bench/benchRow.ts';
import { benchMarkdown, benchResults, mergeBenchRows } from './benchResults.ts';

const row = (run: string, name: string, extra: Partial<BenchRow> = {}): BenchRow => ({ suite: run === 'dicom' ? 'io' : run, name, variant: 'node', value: 1, unit: 'ms', run, ...extra });

describe('mergeBenchRows (--update)', () => {
  const earlier = { when: 'T1', machine: 'Intel', rows: [row('io', 'read'), row('dicom', 'decode'), row('model', 'step', { machine: 'H100', when: 'T0' })] };

  it("replaces the rows of the suites run now, and keeps the others with the machine that measured them", () => {
    const rows = mergeBenchRows(earlier, [row('dicom', 'decode', { value: 2 })], new Set(['dicom']), 'AMD', 'T2');
    expect(rows.map((r) => [r.run, r.name, r.value, r.machine, r.when])).toEqual([
      ['io', 'read', 1, 'Intel', 'T1'],
      ['model', 'step', 1, 'H100', 'T0'],
      ['dicom', 'decode', 2, 'AMD', 'T2'],
    ]);
  });

  it('without an earlier file, stamps the rows of this run', () => {
    expect(mergeBenchRows(undefined, [row('io', 'read')], new Set(['io']), 'AMD', 'T2').map((r) => r.machine)).toEqual(['AMD']);
  });
});

describe('benchResults', () => {
  const earlier = {
    when: 'T1', machine: 'Intel', rows: [row('io', 'read'), row('model', 'step')],
    failures: ["kernels-webgpu: the suite's process ended with 1", "dicom: the suite's process ended with SIGKILL"],
  };

  it('under --update, keeps the earlier rows of a suite that failed now, and says it failed now', () => {
    const r = benchResults(earlier, { suites: ['io', 'model'], rows: [row('io', 'read', { value: 3 })], failures: new Map([['model', 'the suite\'s process ended with 1']]), machine: 'AMD', when: 'T2' });
    expect(r.rows.map((x) => [x.run, x.value, x.machine, x.when])).toEqual([['model', 1, 'Intel', 'T1'], ['io', 3, 'AMD', 'T2']]);
    expect(r.failures).toEqual([
      "kernels-webgpu: the suite's process ended with 1 (earlier run, T1)",
      "dicom: the suite's process ended with SIGKILL (earlier run, T1)",
      "model: the suite's process ended with 1",
    ]);
    expect(r.when).toBe('T2');
  });

  it('drops an earlier failure of a suite that worked now, and marks an earlier failure once', () => {
    const once = benchResults(earlier, { suites: ['dicom'], rows: [row('dicom', 'decode')], failures: new Map(), machine: 'AMD', when: 'T2' });
    expect(once.failures).toEqual(["kernels-webgpu: the suite's process ended with 1 (earlier run, T1)"]);
    const twice = benchResults(once, { suites: ['io'], rows: [row('io', 'read')], failures: new Map(), machine: 'AMD', when: 'T3' });
    expect(twice.failures).toEqual(["kernels-webgpu: the suite's process ended with 1 (earlier run, T1)"]);
  });

  it('without --update, holds this run only', () => {
    const r = benchResults(undefined, { suites: ['io', 'model'], rows: [row('io', 'read')], failures: new Map([['model', 'why']]), machine: 'AMD', when: 'T2' });
    expect(r.rows.map((x) => x.run)).toEqual(['io']);
    expect(r.failures).toEqual(['model: why']);
  });
});

describe('benchMarkdown', () => {
  it('says which suites each machine ran when the rows come from several runs', () => {
    const rows = mergeBenchRows({ when: 'T1', machine: 'Intel', rows: [row('io', 'read')] }, [row('dicom', 'decode')], new Set(['dicom']), 'AMD', 'T2');
    const md = benchMarkdown({ when: 'T2', machine: 'AMD', rows });
    expect(md).toContain('Measured in 2 runs (compare rows of one run only):\n\n- io: T1, Intel\n- dicom: T2, AMD\n');
    expect(md).toContain('| io | decode | node | 1.00 | ms |  |  |');
  });

  it('gives one line for one run, and lists failed suites', () => {
    const md = benchMarkdown({ when: 'T2', machine: 'AMD', rows: mergeBenchRows(undefined, [row('io', 'read')], new Set(['io']), 'AMD', 'T2'), failures: ['model: the suite\'s process ended with 1'] });
    expect(md.startsWith('# Benchmark results\n\nT2, AMD\n\n| suite |')).toBe(true);
    expect(md).toContain("Failed suites:\n- model: the suite's process ended with 1");
  });
});
