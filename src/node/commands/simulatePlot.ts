/**
 * `fedseg simulate-plot --out curves.svg run1.json run2.json ...`: the learning curves of
 * several `fedseg simulate --eval-every N --json` runs (e.g. one per seed) in one chart,
 * each arm's mean over the runs with a min-max band; or, with `--compare SETTING`, the
 * federated model's curve for each value of a setting (e.g. each codec over its seeds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { outputPath } from '../outputPath.ts';
import { parseArgs } from 'node:util';
import { FedsegError } from '../../core/util/errors.ts';
import type { Command } from '../command.ts';
import type { SimulationResult } from '../simulate/simulationResult.ts';
import { armSeries, curvesSvg } from '../simulate/curvesSvg.ts';
import { COMPARE_SETTINGS, settingSeries } from '../simulate/settingSeries.ts';
import { simulationTitle } from '../simulate/simulationTitle.ts';

const usage = `fedseg simulate-plot --out FILE.svg RUN.json [RUN.json ...]

Draws test-set Dice per round (ET, TC, WT) for the federated, centralized and mean
local-only models of \`fedseg simulate --eval-every N --json\` runs of one setting (e.g.
several seeds): the mean over runs, with a band from their minimum to their maximum.

Options:
  --out FILE        the SVG to write (required)
  --compare NAME    instead of the arms, draw the federated model once per value of a
                    setting, each over its runs: ${Object.keys(COMPARE_SETTINGS).join(', ')}
  --title TEXT      chart title (default: the runs' setting and seeds)`;

/** A simulation result read from `file`, refused with the file's name when it is not one with curves. */
export function readSimulationRun(file: string): SimulationResult {
  let r: unknown;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FedsegError('BAD_INPUT', `${file}: expected the JSON of \`fedseg simulate --json\`; ${(e as Error).message}`);
  }
  const run = r as Partial<SimulationResult> | null;
  const curve = run?.federated?.curve ?? run?.centralized?.curve ?? run?.local?.meanCurve;
  if (!run || typeof run !== 'object' || !run.options || !Array.isArray(curve)) {
    throw new FedsegError('BAD_INPUT', `${file}: expected the JSON of \`fedseg simulate --json\` with learning curves (federated.curve etc.); found none`);
  }
  return run as SimulationResult;
}

export const simulatePlotCommand: Command = {
  summary: 'plot the learning curves of simulation runs (SVG)',
  usage,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, title: { type: 'string' }, compare: { type: 'string' } } });
    if (!values.out) throw new FedsegError('BAD_OPTION', '--out: expected the SVG file to write; found none');
    outputPath(values.out, '--out');
    if (positionals.length === 0) throw new FedsegError('BAD_OPTION', 'expected one or more RUN.json files; found none');
    const runs = positionals.map(readSimulationRun);
    const seeds = [...new Set(runs.map((r) => r.options.seed))];
    const series = values.compare === undefined ? armSeries(runs) : settingSeries(runs, values.compare);
    const title = values.title ?? (values.compare === undefined ? simulationTitle(runs[0]!, seeds) : `${simulationTitle(runs[0]!, seeds, values.compare !== 'strategy')}: federated model by ${values.compare}`);
    writeFileSync(values.out, curvesSvg(series, title));
    console.log(`${values.out}: ${runs.length} run(s)`);
    return 0;
  },
};
