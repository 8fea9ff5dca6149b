/**
 * The operator's page (#/operator): asks for the coordinator's operator token, or takes it
 * from #/operator/<token> (which `fedseg demo` prints) and drops it from the address at
 * once, keeps it for this tab only (session storage: gone when the tab closes), and shows
 * the dashboard while the coordinator accepts it. A refused token brings the form back
 * with the coordinator's reason.
 */
import { h, replaceChildren } from '../dom.ts';
import { routeHref } from '../router.ts';
import type { AppState } from '../state/appState.ts';
import { OperatorFeed } from '../state/operatorFeed.ts';
import { operatorDashboard } from './operatorDashboard.ts';
import type { View } from './view.ts';

const TOKEN_KEY = 'fedseg.operatorToken';

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage refused (a sandboxed frame): the form asks each time
  }
}

function keepToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // not kept: the dashboard still runs with it in this view
  }
}

export function operatorView(state: AppState, tokenInUrl: string | undefined): View {
  if (tokenInUrl !== undefined) {
    keepToken(tokenInUrl.trim());
    // out of the address bar, the history and any screenshot of it
    history.replaceState(null, '', routeHref('operator'));
  }
  const root = h('div', { className: 'view operator' });
  let current: View | undefined;
  const mount = (v: View): void => {
    current?.dispose();
    current = v;
    replaceChildren(root, v.element);
  };

  const askForToken = (reason: string): void => {
    const input = h('input', { id: 'operator-token', attrs: { type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, size: 48 } });
    const form = h('form', { className: 'demo-form', on: { submit: (ev) => { ev.preventDefault(); open(input.value.trim()); } } },
      h('label', { text: 'Operator token', attrs: { for: 'operator-token' } }), input, h('button', { text: 'Open the dashboard', attrs: { type: 'submit' } }));
    const element = h('div', {},
      h('h1', { text: 'Operator dashboard' }),
      h('p', { className: 'lead', text: 'For the federation\'s operator: rounds, sites and the federated evaluation as the coordinator records them. Sites do not need this page; they join with their invite link.' }),
      h('section', { className: 'panel' },
        h('p', {}, 'Paste the coordinator\'s operator token: the file ', h('code', { text: 'operator-token' }), ' in its data folder (', h('code', { text: 'cat fedseg-data/operator-token' }), '). This tab keeps it until it is closed, and sends it only to this coordinator.'),
        form,
        h('p', { className: 'error-text', text: reason, attrs: { role: 'alert', 'data-testid': 'operator-token-error' } })),
    );
    mount({ element, dispose: () => undefined });
    input.focus();
  };

  const open = (token: string): void => {
    if (token === '') return askForToken('Enter the token first.');
    keepToken(token);
    const feed = new OperatorFeed({ baseUrl: state.baseUrl, token });
    const dashboard = operatorDashboard(feed, state.baseUrl, { forget: () => { keepToken(null); askForToken(''); } });
    const off = feed.state.subscribe((s) => {
      if (s.kind !== 'refused') return;
      keepToken(null);
      queueMicrotask(() => askForToken(`The coordinator refused this token (${s.code}): ${s.message}.`));
    });
    mount({ element: dashboard.element, dispose: () => { off(); feed.stop(); dashboard.dispose(); } });
    feed.start();
  };

  const token = storedToken();
  if (token) open(token);
  else askForToken('');
  return { element: root, dispose: () => current?.dispose() };
}
