/**
 * "Training demo": trains a fresh model on synthetic cases made inside the Worker, with
 * a progress bar (step, ETA, speed) and the loss plotted step by step.
 */
import { MODEL_PRESETS } from '../../core/model/modelPresets.ts';
import type { DemoProgress, DemoSummary } from '../../worker/workerApi.ts';
import { h } from '../dom.ts';
import { ProgressBar } from '../dom.ts';
import { formatDuration, formatNumber, formatRate } from '../format.ts';
import { LineChart } from '../plots/lineChart.ts';
import { errorText, type AppState } from '../state/appState.ts';
import { callback } from '../workerClient.ts';
import { backendPanel } from './backendPanel.ts';
import type { View } from './view.ts';

/** Single-patch losses are noisy (a patch may hold tumour or not): the trend compares means. */
const TREND_WINDOW = 3;

function mean(v: readonly number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
}

export function demoView(state: AppState): View {
  const backend = backendPanel(state);
  const preset = h('select', { id: 'demo-preset' }, ...Object.keys(MODEL_PRESETS).map((n) => h('option', { text: n, attrs: { value: n } })));
  const steps = h('input', { id: 'demo-steps', attrs: { type: 'number', min: 1, max: 10000, value: 20, required: true } });
  const seed = h('input', { id: 'demo-seed', attrs: { type: 'number', min: 0, value: 1, required: true } });
  const start = h('button', { text: 'Start training', attrs: { type: 'submit', 'data-testid': 'demo-start' } });
  const stop = h('button', { text: 'Stop', attrs: { type: 'button', disabled: true, 'data-testid': 'demo-stop' } });
  const progress = new ProgressBar('Training');
  const status = h('p', { className: 'status', attrs: { role: 'status', 'data-testid': 'demo-status' }, text: 'Not started.' });
  const error = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'demo-error' } });
  const firstLoss = h('output', { attrs: { 'data-testid': 'loss-first' }, text: '—' });
  const lastLoss = h('output', { attrs: { 'data-testid': 'loss-last' }, text: '—' });
  const chart = new LineChart({ title: 'Training loss (Dice + cross-entropy)', xLabel: 'step', yLabel: 'loss', series: [{ label: 'loss', stroke: '#c0392b' }] });

  const form = h(
    'form',
    { className: 'demo-form', on: { submit: (ev) => { ev.preventDefault(); void run(); } } },
    h('label', { attrs: { for: 'demo-preset' }, text: 'Model' }), preset,
    h('label', { attrs: { for: 'demo-steps' }, text: 'Steps' }), steps,
    h('label', { attrs: { for: 'demo-seed' }, text: 'Seed' }), seed,
    h('div', { className: 'buttons' }, start, stop),
  );
  stop.addEventListener('click', () => void state.worker.cancel());

  const element = h(
    'div',
    { className: 'view demo' },
    h('h1', { text: 'Training demo' }),
    h('p', { className: 'lead', text: 'Trains a fresh 3D U-Net on synthetic brain-tumour phantoms generated in your browser. Nothing is sent anywhere. Use it to see how fast this computer trains.' }),
    backend.element,
    h(
      'section',
      { className: 'panel', attrs: { 'aria-labelledby': 'demo-heading' } },
      h('h2', { id: 'demo-heading', text: 'Train' }),
      form,
      progress.element,
      status,
      error,
      h('p', { className: 'losses' }, `Mean loss of the first ${TREND_WINDOW} steps: `, firstLoss, ` · of the last ${TREND_WINDOW} steps: `, lastLoss),
      chart.element,
    ),
  );

  const losses: number[] = [];
  let running = false;
  let runId = 0;
  async function run(): Promise<void> {
    if (running) return;
    running = true;
    const thisRun = ++runId;
    start.disabled = true;
    stop.disabled = false;
    error.textContent = '';
    chart.clear();
    losses.length = 0;
    firstLoss.textContent = '—';
    lastLoss.textContent = '—';
    progress.set(Number.NaN, 'starting…');
    try {
      const info = await state.initBackend();
      if (!info) throw new Error('no compute backend could start (see above)');
      const summary = await state.worker.trainDemo(
        { preset: preset.value, steps: Number(steps.value), seed: Number(seed.value) },
        // progress comes over its own channel and may arrive after the result: drop late ones
        callback((p: DemoProgress) => {
          if (runId === thisRun && running) show(p);
        }),
      );
      running = false;
      finish(summary);
    } catch (e) {
      error.textContent = `Training failed: ${errorText(e)}`;
      status.textContent = 'Stopped by an error.';
    } finally {
      running = false;
      start.disabled = false;
      stop.disabled = true;
    }
  }

  function show(p: DemoProgress): void {
    performance.mark(`fedseg:demo:${p.phase}:${p.step}`);
    if (p.phase === 'done') return; // finish() reports the end
    if (p.phase !== 'training') {
      status.textContent = p.message;
      progress.set(Number.NaN, p.message);
      return;
    }
    progress.set(p.step / p.steps, `step ${p.step} of ${p.steps} · ETA ${formatDuration(p.etaMs)} · ${formatRate(p.voxelsPerSecond)}`);
    status.textContent = `Training: step ${p.step} of ${p.steps}, loss ${formatNumber(p.loss)}`;
    chart.add(p.step, [p.loss]);
    losses.push(p.loss);
    firstLoss.textContent = formatNumber(mean(losses.slice(0, TREND_WINDOW)));
    lastLoss.textContent = formatNumber(mean(losses.slice(-TREND_WINDOW)));
  }

  function finish(s: DemoSummary): void {
    progress.set(s.steps ? 1 : 0, `${s.steps} steps in ${formatDuration(s.elapsedMs)}`);
    status.textContent = s.cancelled
      ? `Stopped after ${s.steps} steps on ${s.backend}.`
      : `Done: ${s.steps} steps on ${s.backend} in ${formatDuration(s.elapsedMs)}; loss ${formatNumber(s.firstLoss)} → ${formatNumber(s.lastLoss)}.`;
  }

  return {
    element,
    dispose() {
      // a demo left running would hold the Worker (no Stop in the next view, Train refused) for hours on a slow backend
      if (running) void state.worker.cancel();
      backend.dispose();
      chart.dispose();
    },
  };
}
