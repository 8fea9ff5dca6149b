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
import { homeView } from './views/homeView.ts';
import { joinView } from './views/joinView.ts';
import { ledgerView } from './views/ledgerView.ts';
import { operatorView } from './views/operatorView.ts';
import { reviewView } from './views/reviewView.ts';
import { trainView } from './views/trainView.ts';
import type { View } from './views/view.ts';
import { startTrainingWorker } from './workerClient.ts';

interface ViewEntry {
  readonly title: string;
  readonly make: (state: AppState, route: Route) => View;
  /** false: reached by its URL only (the operator's page is no site's tab) */
  readonly inNav?: boolean;
}

const VIEWS: Readonly<Record<string, ViewEntry>> = {
  home: { title: 'Home', make: (s) => homeView(s) },
  join: { title: 'Join', make: (s, r) => joinView(s, r.params[0]) },
  data: { title: 'Scans', make: (s) => dataView(s) },
  train: { title: 'Train', make: (s) => trainView(s) },
  review: { title: 'Review', make: (s) => reviewView(s) },
  ledger: { title: 'Privacy ledger', make: (s) => ledgerView(s) },
  demo: { title: 'Training demo', make: (s) => demoView(s) },
  operator: { title: 'Operator dashboard', make: (s, r) => operatorView(s, r.params[0]), inNav: false },
};
const DEFAULT_VIEW = 'home';

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app element');
  const { remote, worker } = startTrainingWorker();
  const state = new AppState(remote, location.origin);
  // a Worker whose script does not load (a stale page after an upgrade) or that dies answers nothing
  // (an error the Worker reports reads "Uncaught FedsegError: …": the words after it are the
  // reason; a script that did not load fires a plain Event, without a message)
  worker.addEventListener('error', (ev: Event) => {
    const message = ev instanceof ErrorEvent && typeof ev.message === 'string' ? ev.message.replace(/^Uncaught (\w*Error: )?/, '') : '';
    state.workerFailed(message || 'its script could not be loaded or it crashed');
  });
  worker.addEventListener('messageerror', () => state.workerFailed('a message from it could not be read'));
  void state.initBackend();
  void state.connect();
  // a page kept for the back button (persisted) may come back: its Worker then still runs the site
  addEventListener('pagehide', (ev: PageTransitionEvent) => {
    if (!ev.persisted) state.tabClosing();
  });

  // the links stay (so keyboard focus stays on the one just used); only aria-current moves
  const links = Object.entries(VIEWS).filter(([, v]) => v.inNav !== false).map(([key, v]) => ({ key, a: h('a', { text: v.title, attrs: { href: routeHref(key) } }) }));
  const nav = h('nav', { className: 'tabs', attrs: { 'aria-label': 'Sections' } }, ...links.map((l) => l.a));
  const main = h('main', { id: 'main', attrs: { tabindex: -1 } });
  const fatal = h('p', { className: 'fatal error-text', attrs: { role: 'alert', 'data-testid': 'worker-failed', hidden: true } });
  state.fatal.subscribe((message) => {
    fatal.hidden = message === null;
    fatal.textContent = message === null ? '' : `This page cannot go on: ${message}.`;
  });
  replaceChildren(
    root,
    h('a', { className: 'skip-link', text: 'Skip to content', attrs: { href: '#main' }, on: { click: (ev) => { ev.preventDefault(); main.focus(); } } }),
    h('header', { className: 'site-header' }, h('span', { className: 'brand', text: 'fedseg' }), h('span', { className: 'tagline', text: 'federated brain-tumour segmentation — your scans never leave this computer' }), nav),
    fatal,
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
    for (const l of links) {
      if (l.key === name) l.a.setAttribute('aria-current', 'page');
      else l.a.removeAttribute('aria-current');
    }
  };
  window.addEventListener('hashchange', () => {
    show();
    // a screen reader hears the new view's heading, and Tab goes on from the view, not from the top
    const heading = main.querySelector('h1');
    if (heading) heading.tabIndex = -1;
    (heading ?? main).focus();
  });
  show();
}

main();
