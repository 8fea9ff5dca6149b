/**
 * Join: the invite URL (#/join/<token>) shows the federation, its plan and hash and
 * exactly what this site will send; on consent the Worker creates a non-extractable
 * ECDSA P-256 key, joins with the token and stores the identity in IndexedDB.
 */
import type { Plan } from '../../worker/workerApi.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText, type AppState } from '../state/appState.ts';
import { routeHref } from '../router.ts';
import { persistenceLine } from './persistenceLine.ts';
import type { View } from './view.ts';
import { whatIsSent } from './whatIsSent.ts';
import { plural } from '../../core/util/plural.ts';

function planRows(plan: Plan): [string, string][] {
  return [
    ['Model', `${plan.model.preset} 3D U-Net (initial weights seed ${plan.model.seed})`],
    ['Rounds', String(plan.rounds)],
    ['Local training', `${plan.training.localEpochs === undefined ? `${plan.training.localSteps} steps` : `${plan.training.localEpochs} epoch(s) over this site's training cases`} per round, batch ${plan.training.batchSize}, ${plan.training.optimizer} at learning rate ${plan.training.learningRate}`],
    [
      'Aggregation',
      `${plan.aggregation.strategy}${plan.aggregation.robust.rule !== 'none' ? ` with ${plan.aggregation.robust.rule}` : ''}; ` +
        (plan.aggregation.weighting === 'equal' ? 'every site counts equally' : "each site's update counts by its number of training cases"),
    ],
    ['Update encoding', plan.codec.name],
    ['Validation', `${Math.round(plan.validation.fraction * 100)}% of this site's labelled cases are held out to measure the global model; their mean scores are reported over at least ${plural(plan.validation.minReportCases, 'case')}`],
    ['Round deadline', `${plan.stragglers.roundDeadlineSeconds} s; a round closes with at least ${plural(plan.stragglers.minSites, 'site')}`],
    ['Secure aggregation', plan.privacy.secureAggregation.enabled ? 'on' : 'off'],
    ['Differential privacy', plan.privacy.dp.enabled ? `on (ε = ${plan.privacy.dp.epsilon})` : 'off'],
  ];
}

/** Why an invite cannot be used; it does not name the site that used it (a forwarded link would tell who joined). */
function inviteRefusal(invite: { readonly kind: string; readonly message?: string }): HTMLElement {
  const why = invite.kind === 'used'
    ? 'A browser has already joined with it, and an invite works once, for the browser that used it.'
    : `The coordinator does not know it (${(invite.message ?? '').replace(/^invite check: /, '')}).`;
  return h('section', { className: 'panel error', attrs: { role: 'alert', 'data-testid': 'invite-refused' } },
    h('h2', { text: 'This invite link cannot be used' }), h('p', { text: `${why} Ask the federation's operator for a new one.` }));
}

/** The consent form for an invite that can be used; in its place, why one cannot. */
function consentOrRefusal(invite: { readonly kind: string; readonly siteName?: string; readonly message?: string } | undefined, form: HTMLElement): HTMLElement {
  if (!invite || invite.kind === 'checking') return h('p', { attrs: { role: 'status' }, text: 'Checking the invite with the coordinator…' });
  if (invite.kind === 'invalid' || invite.kind === 'used') return inviteRefusal(invite);
  return h('section', { className: 'panel' }, h('h2', { text: 'Consent' }),
    invite.kind === 'unchecked'
      ? h('p', { className: 'muted', text: `The invite could not be checked (${invite.message}); joining says whether it can be used.` })
      : h('p', { attrs: { 'data-testid': 'invite-for' } }, 'This invite is for the site ', h('strong', { text: invite.siteName ?? '' }), '.'),
    form);
}

export function joinView(state: AppState, token: string | undefined): View {
  const body = h('div');
  const element = h('div', { className: 'view join' }, h('h1', { text: 'Join the federation' }), body);
  const kept = persistenceLine(state);
  /** what the coordinator says of the invite, asked once before the consent is shown */
  let invite:
    | { readonly kind: 'checking' }
    | { readonly kind: 'usable' | 'used'; readonly siteName: string }
    | { readonly kind: 'invalid'; readonly message: string }
    /** the check itself failed (not a refusal of the invite): the join will say whether it can be used */
    | { readonly kind: 'unchecked'; readonly message: string }
    | undefined;
  const checkInvite = (): void => {
    if (invite || !token) return;
    invite = { kind: 'checking' };
    state.worker.checkInvite(token).then(
      (r) => (invite = { kind: r.usable ? 'usable' : 'used', siteName: r.siteName }),
      (e: unknown) => (invite = (e as { code?: unknown }).code === 'INVITE_INVALID' ? { kind: 'invalid', message: errorText(e) } : { kind: 'unchecked', message: errorText(e) }),
    ).finally(render);
  };

  const render = (): void => {
    const f = state.federation.value;
    if (f.status === 'connecting') return replaceChildren(body, h('p', { attrs: { role: 'status' }, text: 'Reading the federation plan from the coordinator…' }));
    if (f.status === 'failed') return replaceChildren(body, h('p', { className: 'error-text', attrs: { role: 'alert' }, text: `Could not connect to the federation: ${f.error}` }));
    const { plan, planHash, identity } = f.info;
    if (!identity) checkInvite();
    const consent = h('input', { id: 'join-consent', attrs: { type: 'checkbox', 'data-testid': 'join-consent' } });
    const join = h('button', { text: 'Join this federation', attrs: { type: 'submit', 'data-testid': 'join-button', disabled: true } });
    const error = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'join-error' } });
    consent.addEventListener('change', () => (join.disabled = !consent.checked));
    const form = h(
      'form',
      { className: 'join-form', on: { submit: (ev) => { ev.preventDefault(); void doJoin(); } } },
      h('p', {}, consent, ' ', h('label', { attrs: { for: 'join-consent' }, text: 'I agree that this site sends what is listed above, and nothing else.' })),
      join,
      error,
    );
    async function doJoin(): Promise<void> {
      if (!token) return;
      join.disabled = true;
      error.textContent = '';
      try {
        state.joined(await state.worker.join(token));
        render();
        // the button that had focus is gone: focus goes to what replaced it
        body.querySelector<HTMLElement>('[data-testid="joined"] a')?.focus();
      } catch (e) {
        // (the coordinator's message names its request first: "join: …")
        error.textContent = `Joining failed: ${errorText(e).replace(/^join: /, '')}`;
        join.disabled = false;
      }
    }
    // a refused invite is all there is to read: the plan and the consent would only be scrolled past
    if (!identity && token && invite && (invite.kind === 'invalid' || invite.kind === 'used')) return replaceChildren(body, inviteRefusal(invite));
    replaceChildren(
      body,
      h('section', { className: 'panel', attrs: { 'aria-labelledby': 'fed-heading' } },
        h('h2', { id: 'fed-heading', attrs: { 'data-testid': 'federation-name' }, text: plan.federation }),
        plan.description ? h('p', { text: plan.description }) : null,
        h('table', { className: 'kv' }, h('tbody', {}, ...planRows(plan).map(([k, v]) => h('tr', {}, h('th', { text: k, attrs: { scope: 'row' } }), h('td', { text: v }))))),
        h('p', {}, 'Plan hash (SHA-256, recomputed in this browser): ', h('code', { className: 'hash', attrs: { 'data-testid': 'plan-hash' }, text: planHash })),
      ),
      h('section', { className: 'panel', attrs: { 'aria-labelledby': 'sent-heading' } },
        h('h2', { id: 'sent-heading', text: 'What this site will send' }),
        h('ul', { attrs: { 'data-testid': 'what-is-sent' } }, ...whatIsSent(plan).map((t) => h('li', { text: t }))),
      ),
      identity
        ? h('section', { className: 'panel ok', attrs: { role: 'status', 'data-testid': 'joined' } },
            h('p', {}, 'This browser has joined as ', h('strong', { text: identity.siteName }), ` (site id ${identity.siteId}). `, h('a', { text: 'Next: choose your scans', attrs: { href: routeHref('data') } })),
            kept.element)
        : token
          ? consentOrRefusal(invite, form)
          : h('p', {}, 'Open the invite link your federation operator sent you to join. ',
            h('span', { className: 'muted' }, 'Operating this federation? ', h('a', { text: 'Open the operator dashboard', attrs: { href: routeHref('operator') } }), '.')),
    );
  };
  const off = state.federation.subscribe(render);
  return { element, dispose: () => (off(), kept.dispose()) };
}
