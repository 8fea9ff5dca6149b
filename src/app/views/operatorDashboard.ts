/**
 * The operator's dashboard of a federation, drawn from an OperatorFeed: where the rounds
 * stand and whom the current one waits for, every site with when it was last seen (and a
 * Revoke button), the last round by site, an invite form, the federated evaluation and the
 * update norms plotted over the rounds, and the last rounds in a table. Only what the coordinator records: no
 * scans, no site's data.
 */
import type { OperatorStatus, RoundView } from '../../core/protocol/operatorStatusSchema.ts';
import { ago, evaluationSeries, normRange, waitingSites } from '../../core/protocol/operatorSummary.ts';
import { REGIONS } from '../../core/types/labels.ts';
import { formatWhen } from '../format.ts';
import { h, ProgressBar, replaceChildren, tableHead } from '../dom.ts';
import { LineChart } from '../plots/lineChart.ts';
import { REGION_SERIES } from '../plots/regionSeries.ts';
import type { OperatorFeed, OperatorFeedState } from '../state/operatorFeed.ts';
import { protectionLine, roundSummary, siteThisRound } from './operatorText.ts';
import { operatorInvitePanel } from './operatorInvitePanel.ts';
import { OperatorRoundBySite } from './operatorRoundBySite.ts';
import { OperatorSitesTable } from './operatorSitesTable.ts';
import type { View } from './view.ts';

/** how many of the last rounds the table lists (`fedseg status --rounds all` lists every one) */
const ROUNDS_LISTED = 20;

const dice = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');

function roundRow(s: OperatorStatus, r: RoundView): HTMLElement {
  const names = new Map(s.sites.map((x) => [x.id, x.name]));
  const range = normRange(r.updates);
  const norm = !range ? '–' : range.lo === range.hi ? range.lo.toFixed(2) : `${range.lo.toFixed(2)}–${range.hi.toFixed(2)}`;
  return h('tr', { attrs: { 'data-round': r.round } },
    h('th', { text: String(r.round), attrs: { scope: 'row' } }),
    h('td', { text: r.status }),
    h('td', { className: 'num', text: String(r.updates.length) }),
    h('td', { className: 'num', text: String(r.updates.reduce((a, u) => a + u.sampleCount, 0)) }),
    h('td', { text: r.updates.map((u) => names.get(u.siteId) ?? u.siteId).join(', ') || '–' }),
    h('td', { className: 'num', text: norm }),
    ...REGIONS.map((g) => h('td', { className: 'num', text: r.evaluation ? dice(r.evaluation.dice[g]) : '–' })),
    h('td', { text: formatWhen(r.closedAt) }));
}

/** `origin`: the address the operator reached the coordinator at (invite URLs are made from it) */
export function operatorDashboard(feed: OperatorFeed, origin: string, actions: { forget(): void }): View {
  const heading = h('h1', { text: 'Operator dashboard' });
  const lead = h('p', { className: 'lead' });
  const refreshLine = h('p', { className: 'muted', attrs: { 'data-testid': 'operator-updated' } });
  const failure = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'operator-error' } });
  const round = h('p', { className: 'status', attrs: { 'data-testid': 'operator-round' } });
  const rounds = new ProgressBar('Rounds closed');
  const waiting = h('p', { attrs: { 'data-testid': 'operator-waiting' } });
  const notice = h('p', { className: 'warning-text', attrs: { 'data-testid': 'operator-notice' } });
  const protection = h('p', { className: 'muted', attrs: { 'data-testid': 'operator-protection' } });
  const bySite = new OperatorRoundBySite();
  const actionOutcome = h('p', { attrs: { role: 'status', 'data-testid': 'operator-action' } });
  const sites = new OperatorSitesTable((site) => {
    const what = site.status === 'invited' ? 'Its invite stops working.' : 'Its requests are refused from now on, and an update it sent to the open round is taken out.';
    if (!confirm(`Revoke ${site.name} (${site.id})? ${what} This cannot be undone: the site would need a new invite.`)) return;
    actionOutcome.className = '';
    actionOutcome.textContent = `Revoking ${site.name}…`;
    feed.revoke(site.id).then(
      (r) => (actionOutcome.textContent = r.alreadyRevoked ? `${site.name} was already revoked.` : `${site.name} is revoked.`),
      (e: unknown) => {
        actionOutcome.className = 'error-text';
        actionOutcome.textContent = `${site.name} was not revoked: ${e instanceof Error ? e.message : String(e)}`;
      },
    );
  });
  const roundRows = h('tbody', { attrs: { 'data-testid': 'operator-rounds' } });
  const roundsCaption = h('caption');
  const diceChart = new LineChart({
    title: 'Federated Dice of each round\'s starting model (case-weighted over the sites\' validation cases; the last point is the final model)',
    xLabel: 'round', yLabel: 'Dice', yRange: [0, 1], series: REGION_SERIES,
  });
  const normChart = new LineChart({
    title: 'Update norms per round (a norm bound should sit above the honest ones)', xLabel: 'round', yLabel: 'L2 norm',
    series: [{ label: 'smallest', stroke: '#1f4e79' }, { label: 'largest', stroke: '#c0392b' }],
  });
  const refresh = h('button', { text: 'Refresh now', attrs: { type: 'button' }, on: { click: () => void feed.refresh() } });
  const forget = h('button', { text: 'Forget the token', attrs: { type: 'button', 'data-testid': 'operator-forget' }, on: { click: () => actions.forget() } });
  const body = h('div', { attrs: { hidden: true } },
    h('section', { className: 'panel', attrs: { 'aria-labelledby': 'operator-round-heading' } },
      h('h2', { id: 'operator-round-heading', text: 'This round' }), round, rounds.element, waiting, notice, protection),
    h('section', { className: 'panel' }, sites.element, actionOutcome),
    h('section', { className: 'panel' }, bySite.element),
    operatorInvitePanel(origin, (name) => feed.invite(name)),
    h('section', { className: 'panel charts', attrs: { 'aria-labelledby': 'operator-charts-heading' } },
      h('h2', { id: 'operator-charts-heading', text: 'Over the rounds' }),
      h('div', { className: 'chart-row' }, diceChart.element, normChart.element)),
    h('section', { className: 'panel' },
      h('table', {}, roundsCaption,
        tableHead('Round', 'Status', 'Updates', 'Samples', 'Sent by', 'Update norm', ...REGIONS.map((g) => `Dice ${g}`), 'Closed'), roundRows)),
  );
  /** the charts are drawn again only when their points change (the feed answers every few seconds) */
  let plotted = '';

  const show = (s: OperatorStatus, at: number): void => {
    const now = Date.now();
    heading.textContent = `Operator dashboard: ${s.federation}`;
    const local = s.plan.training.localEpochs === undefined ? `${s.plan.training.localSteps} local steps` : `${s.plan.training.localEpochs} local epoch(s)`;
    lead.textContent = `The federation as its coordinator records it: plan ${s.planHash.slice(0, 16)}…, ${s.plan.rounds} rounds of ${local}, model ${s.plan.model.preset}. Refreshed every 5 s.`;
    refreshLine.textContent = `Last answer ${ago(at, now)} (${new Date(at).toLocaleTimeString()}).`;
    round.textContent = roundSummary(s, now);
    const closed = s.rounds.filter((r) => r.status === 'closed').length;
    rounds.set(closed / s.plan.rounds, `${closed} of ${s.plan.rounds}`);
    const waited = waitingSites(s);
    waiting.hidden = !waited || waited.length === 0;
    waiting.textContent = waited && waited.length > 0 ? `Waiting for: ${waited.map((x) => `${x.name} (last seen ${ago(x.lastSeenAt, now)})`).join(', ')}.` : '';
    notice.hidden = s.notice === null;
    notice.textContent = s.notice ?? '';
    protection.textContent = protectionLine(s);
    sites.update(s, now);
    bySite.update(s);
    const listed = s.rounds.slice(-ROUNDS_LISTED).reverse();
    roundsCaption.textContent = s.rounds.length > listed.length
      ? `The last ${listed.length} of ${s.rounds.length} rounds, newest first (fedseg status --rounds all lists every one)`
      : 'Rounds, newest first';
    replaceChildren(roundRows, ...listed.map((r) => roundRow(s, r)));
    const evaluations = evaluationSeries(s);
    const norms = s.rounds.map((r) => ({ round: r.round, range: normRange(r.updates) }));
    const key = JSON.stringify([evaluations, norms]);
    if (key !== plotted) {
      plotted = key;
      diceChart.clear();
      for (const p of evaluations) diceChart.add(p.round, REGIONS.map((g) => p.dice[g]));
      normChart.clear();
      for (const n of norms) normChart.add(n.round, n.range ? [n.range.lo, n.range.hi] : [Number.NaN, Number.NaN]);
    }
    // under secure aggregation no update's norm is known
    normChart.element.hidden = norms.every((n) => !n.range);
    body.hidden = false;
  };

  const off = feed.state.subscribe((st: OperatorFeedState) => {
    if (st.kind === 'loading') refreshLine.textContent = 'Asking the coordinator…';
    if (st.kind === 'ready') show(st.status, st.at);
    if (st.kind === 'failed' && st.last) show(st.last.status, st.last.at);
    failure.textContent = st.kind === 'failed'
      ? `Could not refresh (${st.code}): ${st.message}.${st.last ? ' Showing the last answer;' : ''} Trying again every 5 s.`
      : '';
  });
  const element = h('div', { className: 'operator-dashboard' }, heading, lead, failure, refreshLine, h('div', { className: 'buttons' }, refresh, forget), body);
  return { element, dispose: () => { off(); diceChart.dispose(); normChart.dispose(); } };
}
