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
  const element = h('p', { attrs: { 'data-testid': 'storage-persistence', role: 'note' } });
  const dispose = state.persistence.subscribe((p) => {
    element.hidden = p === null;
    element.className = p === 'persisted' ? 'muted' : 'warning-text';
    element.textContent = p === null ? '' : persistenceNote(p);
  });
  return { element, dispose };
}
