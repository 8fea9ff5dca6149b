/**
 * The dashboard's table of the last round by site: each site's update (training cases,
 * norm, mean local loss, training time) and its validation scores, so that a site that
 * stands apart (a scaled update, a diverging loss, a slow workstation, a poor Dice) shows.
 */
import { lastRoundBySite } from '../../core/protocol/operatorSummary.ts';
import type { OperatorStatus } from '../../core/protocol/operatorStatusSchema.ts';
import { REGIONS } from '../../core/types/labels.ts';
import { h, replaceChildren, tableHead } from '../dom.ts';
import { formatDuration } from '../format.ts';

const num = (v: number | undefined, digits: number): string => (v === undefined ? '–' : v.toFixed(digits));

export class OperatorRoundBySite {
  readonly element: HTMLElement;
  private readonly caption = h('caption');
  private readonly body = h('tbody', { attrs: { 'data-testid': 'operator-round-by-site' } });

  constructor() {
    this.element = h('table', {}, this.caption,
      tableHead('Site', 'Training cases', 'Update norm', 'Mean loss', 'Training time', 'Validation cases', ...REGIONS.map((g) => `Dice ${g}`)), this.body);
  }

  update(s: OperatorStatus): void {
    const last = lastRoundBySite(s);
    this.element.hidden = last === undefined;
    if (!last) return;
    this.caption.textContent = s.plan.privacy.secureAggregation.enabled
      ? `Round ${last.round} by site (validation scores of the round's starting model; under secure aggregation the coordinator sees no site's update alone, so none is listed)`
      : `Round ${last.round} by site (validation scores of the round's starting model)`;
    replaceChildren(this.body, ...last.rows.map((r) => h('tr', { attrs: { 'data-site': r.siteId } },
      h('th', { text: r.name, attrs: { scope: 'row' } }),
      h('td', { className: 'num', text: r.update ? String(r.update.sampleCount) : '–' }),
      h('td', { className: 'num', text: num(r.update?.norm, 2) }),
      h('td', { className: 'num', text: num(r.update?.meanLoss, 4) }),
      h('td', { className: 'num', text: r.update?.durationMs === undefined ? '–' : formatDuration(r.update.durationMs) }),
      h('td', { className: 'num', text: r.evaluation ? String(r.evaluation.cases) : '–' }),
      ...REGIONS.map((g) => h('td', { className: 'num', text: r.evaluation ? r.evaluation.dice[g].toFixed(3) : '–' })))));
  }
}
