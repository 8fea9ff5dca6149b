/**
 * One line under the site's identity: whether this browser promised to keep the site's
 * key and checkpoint when the disk runs low (AppState.persistence). Updated in place, so
 * that a view showing it need not render again (and move the focus) when the answer comes.
 */
import { h } from '../dom.ts';
import type { AppState } from '../state/appState.ts';
import { persistenceNote } from '../state/persistentStorage.ts';
import type { View } from './view.ts';

export function persistenceLine(state: AppState): View {
  const text = h('span');
  // refused, it may be granted later (Chromium weighs bookmarks and visits): the site can ask again
  const again = h('button', { text: 'Ask the browser again', attrs: { type: 'button', 'data-testid': 'storage-ask-again' }, on: { click: () => void state.askPersistence() } });
  const element = h('p', { attrs: { 'data-testid': 'storage-persistence', role: 'note' } }, text, ' ', again);
  const dispose = state.persistence.subscribe((p) => {
    element.hidden = p === null;
    element.className = p === 'persisted' ? 'muted' : 'warning-text';
    text.textContent = p === null ? '' : persistenceNote(p);
    again.hidden = p !== 'refused';
  });
  return { element, dispose };
}
