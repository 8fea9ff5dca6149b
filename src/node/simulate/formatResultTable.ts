/** The simulator's result as a plain-text table (what `fedseg simulate` prints without --json). */
import { REGIONS } from '../../core/types/labels.ts';
import type { ArmScores, SimulationResult } from './simulationResult.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');

function row(name: string, s: ArmScores, steps: number | string): string[] {
  return [name, ...REGIONS.map((r) => f3(s.dice[r])), ...REGIONS.map((r) => f1(s.hd95[r])), String(steps)];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export function formatResultTable(res: SimulationResult): string {
  const o = res.options;
  const lines: string[] = [];
  lines.push(
    `fedseg simulate: ${o.sites} sites x ${o.rounds} rounds, preset ${o.preset}, seed ${o.seed}, strategy ${res.federated?.strategy ?? o.strategy}, codec ${o.codec}` +
      `${o.secureAggregation ? ', secure aggregation' : ''}${o.dpEpsilon !== null ? `, DP epsilon ${o.dpEpsilon}` : ''}` +
      `${o.malicious > 0 ? `, ${o.malicious} malicious (${o.attack} x${o.attackFactor})` : ''}`,
  );
  lines.push(`sites: ${res.data.sites.map((s) => `${s.id} ${s.profile} ${s.trainCases} cases${s.malicious ? ' (malicious)' : ''}`).join('; ')}`);
  lines.push(`test set: ${res.data.testCases} held-out cases (${o.testCasesPerProfile} per site profile); case grids ${res.data.caseDims.join(', ')}; ${res.data.weights} weights`);
  lines.push('');
  const rows: string[][] = [['model', ...REGIONS.map((r) => `Dice ${r}`), ...REGIONS.map((r) => `HD95 ${r}`), 'steps']];
  if (res.federated) rows.push(row('federated', res.federated.scores, res.federated.totalSteps));
  if (res.centralized) rows.push(row('centralized', res.centralized.scores, res.centralized.totalSteps));
  if (res.local) {
    for (const s of res.local.sites) rows.push(row(`local ${s.id} (${s.profile})`, s.scores, s.totalSteps));
    rows.push(row('local, mean of sites', res.local.mean, '-'));
  }
  lines.push(table(rows));
  const c = res.comparison;
  if (c.federatedOverCentralizedDice) {
    lines.push('', `federated / centralized Dice: ${REGIONS.map((r) => `${r} ${f3(c.federatedOverCentralizedDice![r])}`).join(', ')}`);
  }
  if (c.federatedGainOverLocalDice) {
    lines.push(`federated vs mean local Dice: ${REGIONS.map((r) => `${r} ${pct(c.federatedGainOverLocalDice![r])}`).join(', ')}`);
  }
  if (res.federated) {
    const fed = res.federated;
    lines.push(`upload per site and round: ${Math.round(fed.uploadBytesPerSiteRound)} bytes (${f3(fed.uploadRatio)} of float32, ${fed.float32Bytes} bytes)`);
    if (fed.meanCodecError !== null) lines.push(`codec error (||received - update|| / ||update||, mean over sites and rounds): ${f3(fed.meanCodecError)}`);
    if (fed.epsilonSpent !== null) lines.push(`privacy spent: epsilon ${f3(fed.epsilonSpent)} at delta ${res.plan.privacy.dp.delta}`);
  }
  const s = res.seconds;
  lines.push(`time: ${f1(s.total)} s (data ${f1(s.data)}, federated ${f1(s.federated)}, centralized ${f1(s.centralized)}, local ${f1(s.local)}, evaluation ${f1(s.evaluation)})`);
  return lines.join('\n');
}
