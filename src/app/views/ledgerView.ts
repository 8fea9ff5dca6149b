/**
 * Privacy ledger: every request this page made to the coordinator, with its kind and
 * the bytes sent and received, so a privacy officer can see that no scan left.
 */
import type { LedgerEntry } from '../../worker/workerApi.ts';
import { h, replaceChildren, tableHead } from '../dom.ts';
import { formatBytes } from '../format.ts';
import type { AppState } from '../state/appState.ts';
import type { View } from './view.ts';
import { whatIsSent } from './whatIsSent.ts';
import { plural } from '../../core/util/plural.ts';

export function ledgerTotals(entries: readonly LedgerEntry[]): Map<string, { count: number; sent: number; received: number }> {
  const totals = new Map<string, { count: number; sent: number; received: number }>();
  for (const e of entries) {
    const t = totals.get(e.kind) ?? { count: 0, sent: 0, received: 0 };
    totals.set(e.kind, { count: t.count + 1, sent: t.sent + e.sentBytes, received: t.received + Math.max(0, e.receivedBytes) });
  }
  return totals;
}

/** "200", "409 refused", "failed" (no answer) */
export function statusText(status: number): string {
  if (status === 0) return 'failed (no answer)';
  return status >= 400 ? `${status} refused` : String(status);
}

export function ledgerView(state: AppState): View {
  const summary = h('tbody');
  const rows = h('tbody', { attrs: { 'data-testid': 'ledger-rows' } });
  const total = h('p', { attrs: { role: 'status', 'data-testid': 'ledger-total' } });
  const row = (e: LedgerEntry): HTMLElement => h('tr', { attrs: { 'data-kind': e.kind } },
    h('td', { text: new Date(e.at).toLocaleString() }),
    h('td', { text: e.kind }),
    h('td', { text: `${e.method} ${e.path}` }),
    h('td', { className: 'num', attrs: { 'data-sent': e.sentBytes }, text: formatBytes(e.sentBytes) }),
    h('td', { className: 'num', text: e.receivedBytes < 0 ? '—' : formatBytes(e.receivedBytes) }),
    h('td', { className: 'num', text: statusText(e.status) }));
  /** the entries whose rows are shown: the ledger only grows, so each change adds the new rows on top (a long federation makes thousands) */
  let shown: readonly LedgerEntry[] = [];
  const off = state.ledger.subscribe((entries) => {
    const totals = ledgerTotals(entries);
    const sent = entries.reduce((a, e) => a + e.sentBytes, 0);
    const refused = entries.filter((e) => e.status === 0 || e.status >= 400).length;
    total.textContent = `${plural(entries.length, 'request')} to ${state.baseUrl}; ${formatBytes(sent)} sent in all${refused ? ` (${refused} of them refused or unanswered, counted too)` : ''}.`;
    replaceChildren(summary, ...[...totals].map(([kind, t]) => h('tr', {}, h('th', { attrs: { scope: 'row' }, text: kind }), h('td', { className: 'num', text: String(t.count) }), h('td', { className: 'num', text: formatBytes(t.sent) }), h('td', { className: 'num', text: formatBytes(t.received) }))));
    const grown = entries.length >= shown.length && entries[shown.length - 1] === shown[shown.length - 1];
    if (grown) rows.prepend(...entries.slice(shown.length).reverse().map(row));
    else replaceChildren(rows, ...[...entries].reverse().map(row));
    shown = entries;
  });
  // the same words as the consent on the Join page (whatIsSent), once the plan is known
  const sentItems = h('ul', { attrs: { 'data-testid': 'ledger-what-is-sent' } });
  const sentList = h('details', { className: 'panel' }, h('summary', { text: 'What this site sends' }), sentItems);
  const offPlan = state.federation.subscribe((f) => {
    sentList.hidden = f.status !== 'ready';
    if (f.status === 'ready') replaceChildren(sentItems, ...whatIsSent(f.info.plan).map((t) => h('li', { text: t })));
  });
  const element = h('div', { className: 'view ledger' },
    h('h1', { text: 'Privacy ledger' }),
    h('p', { className: 'lead', text: 'Every request this page made to the coordinator, newest first. Scans, file names and patient data never leave this computer; what is sent is listed below, as the Join page listed it. One request cannot be listed: a tab closed while the site takes part says, as it closes, that the site stopped taking part.' }),
    sentList,
    h('section', { className: 'panel' }, total,
      h('table', {}, h('caption', { text: 'By kind' }), tableHead('Kind', 'Requests', 'Sent', 'Received'), summary)),
    h('section', { className: 'panel' },
      h('table', {}, h('caption', { text: 'Every request' }), tableHead('Time', 'Kind', 'Request', 'Sent', 'Received', 'Status'), rows)),
  );
  return { element, dispose: () => { off(); offPlan(); } };
}
