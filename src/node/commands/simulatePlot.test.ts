import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodeAsync } from '../../core/util/errorCode.ts';
import { simulatePlotCommand } from './simulatePlot.ts';

const point = (round: number, d: number) => ({ round, dice: { ET: d, TC: d + 0.05, WT: d + 0.1 } });
/** the parts of `fedseg simulate --json` the chart reads */
const run = (seed: number, shift: number, codec = 'float32', codecOptions = {}) => ({
  options: { sites: 4, rounds: 20, localSteps: 25, preset: 'tiny', strategy: 'fedavg', seed, codec, codecOptions },
  federated: { strategy: 'fedavg', curve: [point(10, 0.4 + shift), point(20, 0.6 + shift)] },
  centralized: { curve: [point(10, 0.5), point(20, 0.7)] },
  local: { meanCurve: [point(10, 0.3), point(20, 0.4)] },
});

/** writes each run to its own file in a fresh directory: the directory and the files */
function writeRuns(runs: readonly unknown[]): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'fedseg-plot-'));
  const files = runs.map((r, i) => {
    const f = join(dir, `r${i}.json`);
    writeFileSync(f, JSON.stringify(r));
    return f;
  });
  return { dir, files };
}

describe('fedseg simulate-plot', () => {
  it('draws the runs of several seeds as one chart, and names a file that is not a run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedseg-plot-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(run(1, 0)));
    writeFileSync(b, JSON.stringify(run(2, 0.1)));
    const out = join(dir, 'curves.svg');
    expect(await simulatePlotCommand.run(['--out', out, a, b])).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('seeds 1, 2');
    expect(svg.match(/<polyline /g)).toHaveLength(9);
    expect(svg.match(/<polygon /g)).toHaveLength(9); // a min-max band per arm and panel over the 2 runs
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ options: {} }));
    expect(await errorCodeAsync(() => simulatePlotCommand.run(['--out', out, bad]))).toBe('BAD_INPUT');
    await expect(simulatePlotCommand.run(['--out', out, bad])).rejects.toThrow(/bad\.json: expected .* learning curves/);
  });

  it('--compare codec: one federated curve per codec, each over its seeds; an unknown setting is named', async () => {
    const { dir, files } = writeRuns([run(1, 0), run(2, 0.1), run(1, -0.1, 'topk', { fraction: 0.1 })]);
    const out = join(dir, 'codecs.svg');
    expect(await simulatePlotCommand.run(['--out', out, '--compare', 'codec', ...files])).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/<polyline /g)).toHaveLength(2 * 3); // two codecs, three regions
    expect(svg.match(/<polygon /g)).toHaveLength(3); // only float32 has two runs
    expect(svg).toContain('>float32<');
    expect(svg).toContain('>topk (fraction 0.1)<');
    expect(svg).toContain('seeds 1, 2: federated model by codec');
    expect(await errorCodeAsync(() => simulatePlotCommand.run(['--out', out, '--compare', 'colour', ...files]))).toBe('UNKNOWN_COMPARISON');
    await expect(simulatePlotCommand.run(['--out', out, '--compare', 'colour', ...files])).rejects.toThrow(/unknown comparison "colour"; known: codec, strategy/);
  });

  it('--compare weighting: a run from before the option counts as weighted by samples, as it was', async () => {
    const equal = (seed: number) => { const r = run(seed, 0.05); return { ...r, options: { ...r.options, weighting: 'equal' } }; };
    const { dir, files } = writeRuns([run(1, 0), equal(1), equal(2)]);
    const out = join(dir, 'weighting.svg');
    expect(await simulatePlotCommand.run(['--out', out, '--compare', 'weighting', ...files])).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('>weighted by samples<');
    expect(svg).toContain('>weighted by equal<');
    expect(svg.match(/<polygon /g)).toHaveLength(3); // only equal has two runs
  });

  it('leaves out a round that no run scored, instead of drawing it at 0', async () => {
    const a = { ...run(1, 0), centralized: null, local: null, federated: { strategy: 'fedavg', curve: [{ round: 10, dice: { ET: null, TC: null, WT: null } }, point(20, 0.6)] } };
    const { dir, files } = writeRuns([a]);
    const out = join(dir, 'curves.svg');
    expect(await simulatePlotCommand.run(['--out', out, ...files])).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('polyline points="290.0,90.0"'); // ET: round 20 alone (0.6)
    expect(svg).not.toMatch(/polyline points="166\.0,/); // and no point at round 10
  });

  it('averages runs by round: a run evaluated at fewer rounds does not shift the others', async () => {
    const a = { ...run(1, 0), centralized: null, local: null };
    const b = { ...run(2, 0), centralized: null, local: null, federated: { strategy: 'fedavg', curve: [point(20, 0.8)] } };
    const { dir, files } = writeRuns([a, b]);
    const out = join(dir, 'curves.svg');
    expect(await simulatePlotCommand.run(['--out', out, ...files])).toBe(0);
    // ET panel: round 10 is run a's 0.4 alone (y 122.0), round 20 the mean of 0.6 and 0.8 (y 74.0)
    expect(readFileSync(out, 'utf8')).toContain('points="166.0,122.0 290.0,74.0"');
  });
});
