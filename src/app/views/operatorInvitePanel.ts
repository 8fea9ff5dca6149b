/**
 * The dashboard's invite form: a site's name in, a one-time invite URL out (made from the
 * address the operator reached the coordinator at, which is the one sites reach it at
 * behind a proxy), with a button that copies it.
 */
import { SITE_NAME_MAX, type InviteResponse } from '../../core/protocol/operatorActions.ts';
import { h } from '../dom.ts';
import { routeHref } from '../router.ts';

export function inviteUrl(origin: string, token: string): string {
  return `${origin}/${routeHref('join', token)}`;
}

export function operatorInvitePanel(origin: string, invite: (siteName: string) => Promise<InviteResponse>): HTMLElement {
  const name = h('input', { id: 'invite-site-name', attrs: { type: 'text', required: true, maxlength: SITE_NAME_MAX, autocomplete: 'off', size: 32 } });
  const create = h('button', { text: 'Create invite', attrs: { type: 'submit' } });
  const outcome = h('p', { attrs: { role: 'status', 'data-testid': 'operator-invite-outcome' } });
  const url = h('input', { attrs: { type: 'text', readonly: true, size: 80, 'aria-label': 'Invite URL', 'data-testid': 'operator-invite-url', hidden: true } });
  const copy = h('button', { text: 'Copy', attrs: { type: 'button', hidden: true } });
  copy.addEventListener('click', () => {
    url.select();
    // the clipboard may be refused (no permission): the URL stays selected for Ctrl+C
    void navigator.clipboard?.writeText(url.value).then(() => (copy.textContent = 'Copied'), () => undefined);
  });
  const form = h('form', {
    className: 'demo-form',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const siteName = name.value.trim();
        if (!siteName) return;
        create.disabled = true;
        outcome.className = '';
        outcome.textContent = `Creating an invite for ${siteName}…`;
        invite(siteName).then(
          (i) => {
            url.value = inviteUrl(origin, i.token);
            url.hidden = copy.hidden = false;
            copy.textContent = 'Copy';
            outcome.textContent = `Invite for ${i.siteName} (site id ${i.siteId}). It works once: send it to the site over a channel you trust, since whoever opens it first joins as this site. It is not shown again.`;
            name.value = '';
          },
          (e: unknown) => {
            outcome.className = 'error-text';
            outcome.textContent = `No invite made: ${e instanceof Error ? e.message : String(e)}`;
          },
        ).finally(() => (create.disabled = false));
      },
    },
  }, h('label', { text: 'Site name', attrs: { for: 'invite-site-name' } }), name, create);
  return h('section', { className: 'panel', attrs: { 'aria-labelledby': 'operator-invite-heading' } },
    h('h2', { id: 'operator-invite-heading', text: 'Invite a site' }), form, outcome, h('div', { className: 'buttons' }, url, copy));
}
