/** Shows the backend the Worker uses, why others were refused and what it means for speed. */
import { h, replaceChildren } from '../dom.ts';
import type { AppState } from '../state/appState.ts';
import type { View } from './view.ts';

/** What fedseg's fast Conv3D kernels are, per backend that has them. */
const FAST_KERNEL_KIND: Readonly<Record<string, string>> = {
  webgpu: 'tiled WebGPU',
  wasm: 'im2col + XNNPACK (WebAssembly)',
};

export function backendPanel(state: AppState): View {
  const name = h('strong', { attrs: { 'data-testid': 'backend-name' }, text: 'starting…' });
  const meaning = h('p', { className: 'backend-meaning', attrs: { 'data-testid': 'backend-meaning' } });
  const kernels = h('p', { className: 'backend-kernels', attrs: { 'data-testid': 'backend-kernels' } });
  const refused = h('ul', { className: 'backend-refused' });
  // what matters to a clinician is the backend and its meaning; the kernels and the backends passed
  // over are for whoever supports the site, open when the page fell back to a slower backend
  const details = h('details', {}, h('summary', { className: 'muted', text: 'Technical details' }), kernels, refused);
  const element = h(
    'section',
    { className: 'panel backend', attrs: { 'aria-labelledby': 'backend-heading' } },
    h('h2', { id: 'backend-heading', text: 'Compute backend' }),
    h('p', {}, 'Training runs in a background worker on: ', name),
    meaning,
    details,
  );
  const off = state.backend.subscribe((b) => {
    element.classList.toggle('fallback', b.status === 'ready' && b.info.fellBack);
    details.open = b.status === 'ready' && b.info.fellBack;
    element.classList.toggle('error', b.status === 'failed');
    if (b.status === 'starting') {
      name.textContent = 'starting…';
      meaning.textContent = 'Looking for WebGPU, then WebGL, then WebAssembly, then plain JavaScript.';
      kernels.textContent = '';
      refused.replaceChildren();
    } else if (b.status === 'failed') {
      name.textContent = 'none';
      meaning.textContent = `No backend could start: ${b.error}`;
      kernels.textContent = '';
      refused.replaceChildren();
    } else {
      name.textContent = b.info.backend;
      meaning.textContent = b.info.meaning;
      kernels.textContent = b.info.fastKernels.length
        ? `3D convolutions use fedseg's ${FAST_KERNEL_KIND[b.info.backend] ?? 'own'} kernels (${b.info.fastKernels.join(', ')}).`
        : '3D convolutions use the stock TensorFlow.js kernels.';
      replaceChildren(refused, ...b.info.refused.map((r) => h('li', {}, h('strong', { text: r.name }), ` was not used: ${r.reason}`)));
    }
  });
  return { element, dispose: off };
}
