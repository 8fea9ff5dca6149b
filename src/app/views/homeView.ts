/**
 * The start page (#/, the default): what this browser is to the coordinator and the next
 * step (homeSteps.ts), with the ways in for those who have not joined: the invite link,
 * the training demo, and the operator's dashboard.
 */
import { h, replaceChildren } from '../dom.ts';
import { routeHref } from '../router.ts';
import type { AppState } from '../state/appState.ts';
import { homeSummary } from './homeSteps.ts';
import type { View } from './view.ts';

export function homeView(state: AppState): View {
  const lead = h('p', { attrs: { 'data-testid': 'home-lead' } });
  const steps = h('ol', { className: 'home-steps', attrs: { 'data-testid': 'home-steps' } });
  const render = (): void => {
    const s = homeSummary(state.federation.value, state.data.value, state.progress.value);
    lead.textContent = s.lead;
    steps.hidden = s.steps.length === 0;
    replaceChildren(steps, ...s.steps.map((step) => h('li', { className: step.next ? 'next' : '' },
      h('a', { text: step.title, attrs: { href: routeHref(step.route) } }), ': ', step.text, step.next ? h('strong', { text: ' (next)' }) : null)));
  };
  const offs = [state.federation.subscribe(render), state.data.subscribe(render), state.progress.subscribe(render)];
  const element = h('div', { className: 'view home' },
    h('h1', { text: 'Federated brain-tumour segmentation' }),
    h('p', { className: 'lead', text: 'Hospitals train a tumour-segmentation model together. This page reads your scans from this computer, trains on its graphics card and sends only model updates: no scan, file name or patient identifier leaves it.' }),
    h('section', { className: 'panel', attrs: { 'aria-labelledby': 'home-site-heading' } }, h('h2', { id: 'home-site-heading', text: 'This browser' }), lead, steps),
    h('section', { className: 'panel', attrs: { 'aria-labelledby': 'home-other-heading' } },
      h('h2', { id: 'home-other-heading', text: 'Other ways in' }),
      h('ul', {},
        h('li', {}, h('a', { text: 'Training demo', attrs: { href: routeHref('demo') } }), ': train on synthetic phantoms, with no coordinator and no data, to see how fast this computer trains.'),
        h('li', {}, h('a', { text: 'Privacy ledger', attrs: { href: routeHref('ledger') } }), ': every request this page made to the coordinator.'),
        h('li', {}, h('a', { text: 'Operator dashboard', attrs: { href: routeHref('operator') } }), ': for the federation\'s operator (needs the coordinator\'s operator token).'))),
  );
  return { element, dispose: () => { for (const off of offs) off(); } };
}
