/**
 * The dashboard's table of sites, with a Revoke button for each site that can still take
 * part. Rows are kept by site id and their cells updated in place at each refresh, so
 * that a button keeps the keyboard's focus while the dashboard refreshes under it.
 */
import type { OperatorStatus } from '../../core/protocol/operatorStatusSchema.ts';
import { ago, type OperatorSite } from '../../core/protocol/operatorSummary.ts';
import { formatWhen } from '../format.ts';
import { h, replaceChildren, tableHead } from '../dom.ts';
import { siteThisRound } from './operatorText.ts';

interface Row {
  readonly row: HTMLElement;
  readonly cells: { status: HTMLElement; joined: HTMLElement; seen: HTMLElement; round: HTMLElement };
  readonly revoke: HTMLButtonElement;
}

export class OperatorSitesTable {
  readonly element: HTMLElement;
  private readonly body = h('tbody', { attrs: { 'data-testid': 'operator-sites' } });
  private readonly rows = new Map<string, Row>();
  private order = '';

  /** `revoke`: asks for the site's revocation (the caller confirms and reports the outcome) */
  constructor(private readonly revoke: (site: OperatorSite) => void) {
    this.element = h('table', {}, h('caption', { text: 'Sites' }),
      tableHead('Site', 'ID', 'Status', 'Invited', 'Joined', 'Last seen', 'This round', ''), this.body);
  }

  update(s: OperatorStatus, now: number): void {
    const order = s.sites.map((x) => x.id).join('\n');
    if (order !== this.order) {
      this.order = order;
      for (const id of [...this.rows.keys()]) if (!s.sites.some((x) => x.id === id)) this.rows.delete(id);
      replaceChildren(this.body, ...(s.sites.length === 0
        ? [h('tr', {}, h('td', { text: 'No site invited yet: invite one below, or with fedseg invite --site "Hospital name".', attrs: { colspan: 8 } }))]
        : s.sites.map((x) => this.rowOf(x).row)));
    }
    for (const x of s.sites) {
      const r = this.rowOf(x);
      r.cells.status.textContent = x.status === 'revoked' && x.revokedAt !== null ? `revoked ${formatWhen(x.revokedAt)}` : x.status;
      r.cells.joined.textContent = formatWhen(x.joinedAt);
      r.cells.seen.textContent = ago(x.lastSeenAt, now);
      r.cells.round.textContent = siteThisRound(s, x);
      r.revoke.hidden = x.status === 'revoked';
      r.row.dataset.status = x.status;
    }
  }

  private rowOf(x: OperatorSite): Row {
    const known = this.rows.get(x.id);
    if (known) return known;
    const cells = { status: h('td'), joined: h('td'), seen: h('td'), round: h('td') };
    const revoke = h('button', { text: 'Revoke', attrs: { type: 'button', 'aria-label': `Revoke ${x.name}` }, on: { click: () => this.revoke(x) } });
    const row = h('tr', { attrs: { 'data-site': x.id } },
      h('th', { text: x.name, attrs: { scope: 'row' } }), h('td', { text: x.id }), cells.status,
      h('td', { text: formatWhen(x.invitedAt) }), cells.joined, cells.seen, cells.round, h('td', {}, revoke));
    const made = { row, cells, revoke };
    this.rows.set(x.id, made);
    return made;
  }
}
