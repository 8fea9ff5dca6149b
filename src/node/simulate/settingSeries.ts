/**
 * Learning curves of the federated model grouped by one setting of the runs (the codec, the
 * aggregation strategy, the robust rule, DP, an attack, secure aggregation, the weighting): one series per
 * distinct value, its runs (seeds) drawn as mean and min-max band by `curvesSvg`.
 */
import { FedsegError, lookup } from '../../core/util/errors.ts';
import type { CurveSeries } from './curvesSvg.ts';
import type { CurvePoint, SimulationResult } from './simulationResult.ts';

const optionsText = (o: Record<string, unknown> | undefined): string => {
  const parts = Object.entries(o ?? {}).map(([k, v]) => `${k} ${String(v)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
};

/** The settings runs can be compared by: name -> the label of a run's value. */
export const COMPARE_SETTINGS: Readonly<Record<string, (r: SimulationResult) => string>> = {
  codec: (r) => r.options.codec + optionsText(r.options.codecOptions),
  strategy: (r) => r.options.strategy + optionsText(r.options.strategyOptions),
  robust: (r) => (r.options.robust === 'normbound' ? `normbound (maxNorm ${r.options.robustMaxNorm})` : r.options.robust),
  dp: (r) => (r.options.dpEpsilon === null ? 'no DP' : `DP ε ${r.options.dpEpsilon}`),
  attack: (r) => (r.options.malicious > 0 ? `${r.options.malicious} site(s) ${r.options.attack} x${r.options.attackFactor}` : 'honest'),
  secagg: (r) => (r.options.secureAggregation ? 'secure aggregation' : 'plain'),
  // runs made before plan.aggregation.weighting existed weighted by case count
  weighting: (r) => `weighted by ${r.options.weighting ?? 'samples'}`,
};

const PALETTE = ['#1f6fd1', '#c9482b', '#2e9d4a', '#8a4fbf', '#d18a1f', '#1fa5a5', '#6b6b6b', '#d14f9a'];

/** One series per value of `setting` (in the order first met), of the runs' federated curves. */
export function settingSeries(runs: readonly SimulationResult[], setting: string): CurveSeries[] {
  const label = lookup(COMPARE_SETTINGS, setting, 'comparison');
  const groups = new Map<string, (readonly CurvePoint[])[]>();
  for (const r of runs) {
    const curve = r.federated?.curve;
    if (!curve || curve.length === 0) continue;
    const key = label(r);
    groups.set(key, [...(groups.get(key) ?? []), curve]);
  }
  if (groups.size === 0) throw new FedsegError('BAD_INPUT', `--compare ${setting}: expected runs with a federated learning curve; found none`);
  if (groups.size > PALETTE.length) {
    throw new FedsegError('BAD_OPTION', `--compare ${setting}: expected at most ${PALETTE.length} distinct values to draw; found ${groups.size} (${[...groups.keys()].join('; ')})`);
  }
  return [...groups].map(([name, curves], i) => ({ name, colour: PALETTE[i]!, curves }));
}
