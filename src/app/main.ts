/**
 * The page's entry: starts the training Worker, creates the one AppState and shows the
 * view the URL's hash names.
 */
import './styles/app.css';
import { h, replaceChildren } from './dom.ts';
import { parseRoute, routeHref, type Route } from './router.ts';
import { AppState } from './state/appState.ts';
import { dataView } from './views/dataView.ts';
import { demoView } from './views/demoView.ts';
import { joinView } from './views/joinView.ts';
import { ledgerView } from './views/ledgerView.ts';
import { reviewView } from './views/reviewView.ts';
import { trainView } from './views/trainView.ts';
import type { View } from './views/view.ts';
import { startTrainingWorker } from './workerClient.ts';

interface ViewEntry {
  readonly title: string;
  readonly make: (state: AppState, route: Route) => View;
}

const VIEWS: Readonly<Record<string, ViewEntry>> = {
  join: { title: 'Join', make: (s, r) => joinView(s, r.params[0]) },
  data: { title: 'Scans', make: (s) => dataView(s) },
  train: { title: 'Train', make: (s) => trainView(s) },
  review: { title: 'Review', make: (s) => reviewView(s) },
  ledger: { title: 'Privacy ledger', make: (s) => ledgerView(s) },
  demo: { title: 'Training demo', make: (s) => demoView(s) },
};
const DEFAULT_VIEW = 'demo';

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app element');
  const { remote } = startTrainingWorker();
  const state = new AppState(remote, location.origin);
  void state.initBackend();
  void state.connect();

  const nav = h('nav', { className: 'tabs', attrs: { 'aria-label': 'Sections' } });
  const main = h('main', { id: 'main', attrs: { tabindex: -1 } });
  replaceChildren(
    root,
    h('a', { className: 'skip-link', text: 'Skip to content', attrs: { href: '#main' }, on: { click: (ev) => { ev.preventDefault(); main.focus(); } } }),
    h('header', { className: 'site-header' }, h('span', { className: 'brand', text: 'fedseg' }), h('span', { className: 'tagline', text: 'federated brain-tumour segmentation — your scans never leave this computer' }), nav),
    main,
  );

  let current: View | undefined;
  const show = (): void => {
    const route = parseRoute(location.hash);
    const name = route.name in VIEWS ? route.name : DEFAULT_VIEW;
    const entry = VIEWS[name]!;
    current?.dispose();
    current = entry.make(state, route);
    replaceChildren(main, current.element);
    document.title = `${entry.title} — fedseg`;
    replaceChildren(
      nav,
      ...Object.entries(VIEWS).map(([key, v]) =>
        h('a', { text: v.title, attrs: { href: routeHref(key), ...(key === name ? { 'aria-current': 'page' } : {}) } }),
      ),
    );
  };
  window.addEventListener('hashchange', show);
  show();
}

main();
