/**
 * Learning curves of simulation runs as one self-contained SVG: a panel per region
 * (ET, TC, WT), test-set Dice against the round for each series: by default the arms
 * (federated, centralized, the mean of the local-only models; `armSeries`), or any other
 * grouping (`settingSeries`). A series of several runs (seeds) is drawn as the mean over
 * its runs with a band from their minimum to their maximum.
 */
import { REGIONS, type Region } from '../../core/types/labels.ts';
import type { CurvePoint, SimulationResult } from './simulationResult.ts';

export interface CurveSeries {
  readonly name: string;
  readonly colour: string;
  /** one curve per run of the series */
  readonly curves: readonly (readonly CurvePoint[])[];
}

const ARM_STYLE = [
  { name: 'federated', colour: '#1f6fd1', pick: (r: SimulationResult) => r.federated?.curve },
  { name: 'centralized', colour: '#2e9d4a', pick: (r: SimulationResult) => r.centralized?.curve },
  { name: 'local (mean of sites)', colour: '#c9482b', pick: (r: SimulationResult) => r.local?.meanCurve },
] as const;

const W = 300;
const H = 220;
const M = { left: 42, right: 10, top: 26, bottom: 34 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number): string => x.toFixed(1);

/** The arms of the runs as series: federated, centralized, mean local (those present). */
export function armSeries(runs: readonly SimulationResult[]): CurveSeries[] {
  return ARM_STYLE.map((a) => ({
    name: a.name,
    colour: a.colour,
    curves: runs.map(a.pick).filter((c): c is readonly CurvePoint[] => c !== undefined && c.length > 0),
  })).filter((s) => s.curves.length > 0);
}

export function curvesSvg(series: readonly CurveSeries[], title: string): string {
  const maxRound = Math.max(1, ...series.flatMap((s) => s.curves.flatMap((c) => c.map((p) => p.round))));
  const panels = REGIONS.map((region, i) => panel(region, series, maxRound, i * W));
  const legend = series
    .map((s, i) => {
      const x = M.left + (i % 4) * 220;
      const y = H + 10 + Math.floor(i / 4) * 16;
      return `<rect x="${x}" y="${y}" width="14" height="4" fill="${s.colour}"/><text x="${x + 20}" y="${y + 6}">${esc(s.name)}</text>`;
    })
    .join('');
  const width = W * REGIONS.length;
  const height = H + 12 + 16 * Math.ceil(series.length / 4);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 20}" viewBox="0 -20 ${width} ${height + 20}" font-family="sans-serif" font-size="11">`,
    `<rect x="0" y="-20" width="${width}" height="${height + 20}" fill="white"/>`,
    `<text x="${M.left}" y="-5" font-size="12" font-weight="bold">${esc(title)}</text>`,
    ...panels,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

function panel(region: Region, series: readonly CurveSeries[], maxRound: number, dx: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (round: number): number => dx + M.left + (round / maxRound) * pw;
  const y = (dice: number): number => M.top + (1 - Math.min(1, Math.max(0, dice))) * ph;
  const out: string[] = [`<text x="${dx + M.left}" y="${M.top - 8}" font-weight="bold">Dice ${region}</text>`];
  for (let t = 0; t <= 1.0001; t += 0.2) {
    out.push(`<line x1="${fmt(x(0))}" x2="${fmt(x(maxRound))}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#ddd"/>`);
    out.push(`<text x="${fmt(x(0) - 4)}" y="${fmt(y(t) + 4)}" text-anchor="end">${t.toFixed(1)}</text>`);
  }
  for (const r of roundTicks(maxRound)) {
    out.push(`<text x="${fmt(x(r))}" y="${fmt(y(0) + 14)}" text-anchor="middle">${r}</text>`);
  }
  out.push(`<text x="${fmt(x(maxRound / 2))}" y="${fmt(y(0) + 28)}" text-anchor="middle">round</text>`);
  for (const s of series) {
    const rounds = s.curves[0]!.map((p) => p.round);
    const at = (round: number): number[] => s.curves.map((c) => c.find((p) => p.round === round)?.dice[region] ?? NaN).filter(Number.isFinite);
    const stats = rounds.map((round) => {
      const v = at(round); // by round, so runs evaluated at other rounds do not shift the mean
      return { round, mean: v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
    }).filter((p) => Number.isFinite(p.mean));
    if (stats.length === 0) continue;
    if (s.curves.length > 1) {
      const band = [...stats.map((p) => `${fmt(x(p.round))},${fmt(y(p.max))}`), ...stats.reverse().map((p) => `${fmt(x(p.round))},${fmt(y(p.min))}`)];
      stats.reverse();
      out.push(`<polygon points="${band.join(' ')}" fill="${s.colour}" fill-opacity="0.15" stroke="none"/>`);
    }
    out.push(`<polyline points="${stats.map((p) => `${fmt(x(p.round))},${fmt(y(p.mean))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
  }
  out.push(`<rect x="${fmt(x(0))}" y="${fmt(y(1))}" width="${fmt(pw)}" height="${fmt(ph)}" fill="none" stroke="#888"/>`);
  return out.join('\n');
}

/** About five round labels at round numbers. */
function roundTicks(maxRound: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((s) => maxRound / s <= 6) ?? Math.ceil(maxRound / 5);
  const ticks: number[] = [];
  for (let r = 0; r <= maxRound; r += step) ticks.push(r);
  return ticks;
}
