/** A short panel: which federation this page talks to, whether this browser joined, and whether it keeps the site's data. */
import { h, replaceChildren } from '../dom.ts';
import type { AppState } from '../state/appState.ts';
import { routeHref } from '../router.ts';
import { persistenceLine } from './persistenceLine.ts';
import type { View } from './view.ts';

export function federationPanel(state: AppState): View {
  const element = h('section', { className: 'panel federation', attrs: { 'aria-label': 'Federation' } });
  const kept = persistenceLine(state);
  const render = (): void => {
    const f = state.federation.value;
    if (f.status === 'connecting') return replaceChildren(element, h('p', { text: 'Connecting to the coordinator…' }));
    if (f.status === 'failed') {
      const retry = h('button', { text: 'Try again', attrs: { type: 'button', 'data-testid': 'connect-retry' }, on: { click: () => void state.connect() } });
      const what = f.unreachable ? 'No coordinator answered at this address' : 'The coordinator at this address could not be used';
      return replaceChildren(element, h('p', { className: 'error-text', attrs: { 'data-testid': 'connect-error' } }, `${what} (${f.error}). The training demo works without one. `, retry));
    }
    const { plan, identity } = f.info;
    replaceChildren(
      element,
      h('p', {}, 'Federation ', h('strong', { text: plan.federation }), ' · ',
        identity ? `joined as ${identity.siteName} (${identity.siteId})` : h('span', {}, 'not joined yet: open your invite link (', h('a', { text: 'join', attrs: { href: routeHref('join') } }), ')')),
      identity ? kept.element : null,
    );
  };
  const off = state.federation.subscribe(render);
  return { element, dispose: () => (off(), kept.dispose()) };
}
