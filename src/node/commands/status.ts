/**
 * `fedseg status [--url URL] [--json]`: the operator's view of a running federation.
 */
import { parseArgs } from 'node:util';
import { ProtocolClient } from '../../core/protocol/client/protocolClient.ts';
import { checkTransport } from '../../core/protocol/client/secureTransport.ts';
import { REGIONS } from '../../core/types/labels.ts';
import type { OperatorStatus, RoundEvaluation } from '../../core/protocol/operatorStatusSchema.ts';
import { ago, largestNorms, normRange, waitingSites } from '../../core/protocol/operatorSummary.ts';
import type { Command } from '../command.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { OPERATOR_TOKEN_FILE, readOperatorToken } from '../../coordinator/operatorToken.ts';
import { join, resolve } from 'node:path';
import { plural } from '../../core/util/plural.ts';

const DEFAULT_ROUNDS = 20;

const usage = `fedseg status [--url URL] [--data DIR | --token-file FILE] [--rounds N|all] [--json] [--insecure]
fedseg status --audit [--data DIR] [--site SITE_ID] [--limit N] [--json]

Prints the federation's rounds, its sites, who reported in each round, and the
federated evaluation per round (Dice and HD95 per region, weighted by each site's
validation cases), from GET /api/v1/status, which answers only with the operator
token that the coordinator keeps in its data folder (the file operator-token).

With --audit it prints the coordinator's audit log instead (every invite, join,
accepted update, evaluation, refusal, extension and aggregation, with time and site),
read from the data folder.

Options:
  --url URL       the coordinator (default http://127.0.0.1:8080): https, or http to this machine
  --insecure      allow plain http to another machine (the operator token can be read on the way)
  --data DIR      the coordinator's data folder, for its operator token (default ./fedseg-data)
  --token-file F  the operator token file, when the data folder is elsewhere (a copy of DIR/operator-token)
  --rounds N|all  the rounds to list: the last N (default ${DEFAULT_ROUNDS}), or all of them
  --json          print JSON (every round)
  --audit         print the audit log from --data (default ./fedseg-data)
  --site SITE_ID  only this site's entries
  --limit N       the last N entries (default 100)`;

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const evalText = (e: RoundEvaluation | null) =>
  e ? `${REGIONS.map((r) => f2(e.dice[r])).join(' ')}   ${REGIONS.map((r) => f1(e.hd95[r]).padStart(5)).join(' ')}  (${plural(e.cases, 'case')}, ${plural(e.sites, 'site')})` : '-';
/** the evaluation column's width: the sites that reported follow it, in full */
const EVAL_WIDTH = 60;
const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

/** "Waiting for: site (last seen …), …", or null when nobody is waited for or that is not known (operatorSummary.ts). */
function waitingFor(s: OperatorStatus, now: number): string | null {
  const waiting = waitingSites(s) ?? [];
  if (waiting.length === 0) return null;
  return `Waiting for: ${waiting.slice(0, 10).map((x) => `${x.id} (last seen ${ago(x.lastSeenAt, now)})`).join(', ')}${waiting.length > 10 ? `, and ${waiting.length - 10} more` : ''}`;
}

/** The smallest and largest update norm of a round ("2.41-3.10"), '-' when none is known (secure aggregation). */
function normRangeText(updates: OperatorStatus['rounds'][number]['updates']): string {
  const range = normRange(updates);
  if (!range) return '-';
  return range.lo === range.hi ? f2(range.lo) : `${f2(range.lo)}-${f2(range.hi)}`;
}

/** The last round's updates by norm, largest first, naming the site: where a scaled update shows. */
function largestNormsText(s: OperatorStatus): string | null {
  const last = largestNorms(s);
  if (!last) return null;
  return `round ${last.round}: ${last.bySite.slice(0, 5).map((u) => `${u.siteId} ${f2(u.norm)}`).join(', ')}${last.bySite.length > 5 ? ', …' : ''}`;
}

/** `roundsShown`: how many of the last rounds to list (the others are counted). */
export function formatStatus(s: OperatorStatus, now = Date.now(), roundsShown = DEFAULT_ROUNDS): string {
  const c = s.current;
  const lines: string[] = [];
  lines.push(`Federation "${s.federation}"  plan ${s.planHash.slice(0, 16)}…  ${s.plan.rounds} rounds, ${s.plan.aggregation.strategy}, model ${s.plan.model.preset}`);
  if (c.finished) lines.push(`Finished. Final model ${c.globalModelHash}`);
  else {
    const left = c.deadline === null ? '' : c.deadline >= now ? `, deadline in ${Math.round((c.deadline - now) / 1000)} s` : `, deadline passed ${ago(c.deadline, now)}`;
    lines.push(`Round ${c.round} of ${c.rounds}: ${c.state}; ${c.reportedSites} of ${c.expectedSites} active sites reported (min ${c.minSites})${left}`);
  }
  const waiting = waitingFor(s, now);
  if (waiting) lines.push(waiting);
  if (s.notice) lines.push(`Notice: ${s.notice}`);
  if (s.epsilonSpent !== undefined) {
    const dp = s.plan.privacy.dp;
    lines.push(`Differential privacy: epsilon spent ${s.epsilonSpent.toFixed(3)} of ${dp.epsilon} over the ${s.plan.rounds} planned rounds (delta ${dp.delta})`);
  }
  lines.push('', 'Sites:');
  if (s.sites.length === 0) lines.push('  (none invited yet: fedseg invite --site NAME)');
  // columns as wide as their longest entry (a long hospital name makes a long id)
  const idWidth = Math.max(0, ...s.sites.map((x) => x.id.length));
  const nameWidth = Math.max(0, ...s.sites.map((x) => x.name.length));
  for (const site of s.sites) {
    const paused = site.status === 'revoked'
      ? (site.revokedAt === null ? '' : `  revoked ${ago(site.revokedAt, now)}`)
      : site.pausedAt === null ? '' : `  stopped taking part ${ago(site.pausedAt, now)} (not waited for)`;
    lines.push(`  ${site.id.padEnd(idWidth)} ${site.name.padEnd(nameWidth)} ${site.status.padEnd(8)} joined ${time(site.joinedAt)}  last seen ${ago(site.lastSeenAt, now)}${paused}`);
  }
  lines.push('', `Rounds:                                                     federated evaluation of the round's starting model`);
  lines.push(`  round  status       updates  samples  update norm   ${`Dice ${REGIONS.join('/')}      HD95 mm ${REGIONS.join('/')}`.padEnd(EVAL_WIDTH)} reported by`);
  const hidden = Math.max(0, s.rounds.length - roundsShown);
  if (hidden > 0) lines.push(`  (${plural(hidden, 'earlier round')} not shown: --rounds all lists every one)`);
  for (const r of s.rounds.slice(hidden)) {
    const samples = r.updates.reduce((a, u) => a + u.sampleCount, 0);
    const who = r.updates.map((u) => u.siteId).join(', ') || '-';
    lines.push(`  ${String(r.round).padEnd(6)} ${r.status.padEnd(12)} ${String(r.updates.length).padEnd(8)} ${String(samples).padEnd(8)} ${normRangeText(r.updates).padEnd(13)} ${evalText(r.evaluation).padEnd(EVAL_WIDTH)} ${who}`);
  }
  if (c.finished) lines.push(`  final  -            -        -        -             ${evalText(s.final)}`);
  const largest = largestNormsText(s);
  if (largest) lines.push('', `Largest update norms (a norm bound should sit above the honest ones): ${largest}`);
  return lines.join('\n');
}

export const statusCommand: Command = {
  summary: "print the federation's rounds, sites and metrics",
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        json: { type: 'boolean', default: false },
        audit: { type: 'boolean', default: false },
        data: { type: 'string', default: 'fedseg-data' },
        'token-file': { type: 'string' },
        site: { type: 'string' },
        limit: { type: 'string', default: '100' },
        rounds: { type: 'string', default: String(DEFAULT_ROUNDS) },
        insecure: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.audit) return printAudit(values.data, values.site, values.limit, values.json);
    const rounds = values.rounds === 'all' ? Number.POSITIVE_INFINITY : /^\d+$/.test(values.rounds) ? Number(values.rounds) : Number.NaN;
    if (!(rounds >= 1)) throw new FedsegError('BAD_OPTION', `--rounds: expected a positive integer or "all", found "${values.rounds}"`);
    checkTransport(values.url, values.insecure, 'fedseg status --url', "the operator token and the federation's status");
    const client = new ProtocolClient({ baseUrl: values.url, retry: { attempts: 2 } });
    const token = readOperatorToken(values['token-file'] ?? join(resolve(values.data), OPERATOR_TOKEN_FILE));
    // checked as every message is: a coordinator of another version is named, not misprinted
    const status = await client.status(token).catch((e: unknown) => {
      // the coordinator listens where it was started: the default may not be it
      if (e instanceof FedsegError && e.code === 'UNREACHABLE' && !argv.some((a) => a === '--url' || a.startsWith('--url='))) {
        throw new FedsegError('UNREACHABLE', `${e.message}; is the coordinator running there? Give its address with --url (fedseg coordinator prints it when it starts)`);
      }
      throw e;
    });
    console.log(values.json ? JSON.stringify(status, null, 2) : formatStatus(status, Date.now(), rounds));
    return 0;
  },
};

async function printAudit(data: string, site: string | undefined, limitText: string, json: boolean): Promise<number> {
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1) throw new FedsegError('BAD_OPTION', `--limit: expected a positive integer, found "${limitText}"`);
  const { openFederationStore } = await import('../openFederationStore.ts');
  const store = await openFederationStore(data);
  try {
    const entries = await store.auditLog({ limit, ...(site ? { siteId: site } : {}) });
    if (json) console.log(JSON.stringify(entries, null, 2));
    const idWidth = Math.max(1, ...entries.map((e) => (e.siteId ?? '-').length));
    if (!json) for (const e of entries) console.log(`${time(e.at)}  ${(e.siteId ?? '-').padEnd(idWidth)} ${e.action.padEnd(20)} ${e.round === null ? '-' : `round ${e.round}`}  ${JSON.stringify(e.detail)}`);
    return 0;
  } finally {
    await store.close();
  }
}
