/**
 * Train: take part in the federation's rounds. Progress bars for each phase of the
 * current round (loading the global model, validating it, training with ETA,
 * uploading), the loss and per-region Dice over rounds, and the federation's status.
 * A participation interrupted by a reload resumes from the IndexedDB checkpoint.
 */
import { REGIONS } from '../../core/types/labels.ts';
import type { SitePhase, SiteProgress } from '../../worker/workerApi.ts';
import { h, ProgressBar, replaceChildren, tableHead } from '../dom.ts';
import { formatBytes, formatDuration, formatNumber } from '../format.ts';
import { LineChart } from '../plots/lineChart.ts';
import { deadlineWarning } from './deadlineWarning.ts';
import { roundInfoText } from './roundInfoText.ts';
import { REGION_SERIES } from '../plots/regionSeries.ts';
import { errorText, type AppState } from '../state/appState.ts';
import { backendPanel } from './backendPanel.ts';
import { federationPanel } from './federationPanel.ts';
import type { View } from './view.ts';
import { isTakingPart, TAKING_PART } from '../state/takingPart.ts';
import { routeHref } from '../router.ts';

const PHASES: readonly { phase: SitePhase; name: string }[] = [
  { phase: 'preparing', name: 'Preparing cases' },
  { phase: 'loading', name: 'Loading model' },
  { phase: 'validating', name: 'Validating' },
  { phase: 'training', name: 'Training' },
  { phase: 'uploading', name: 'Uploading' },
];

export function trainView(state: AppState): View {
  const backend = backendPanel(state);
  const fed = federationPanel(state);
  const bars = PHASES.map((p) => ({ ...p, bar: new ProgressBar(p.name) }));
  const start = h('button', { text: 'Start taking part', attrs: { type: 'button', 'data-testid': 'participate' } });
  const resume = h('button', { text: 'Resume where this page stopped', attrs: { type: 'button', 'data-testid': 'resume', hidden: true } });
  const stop = h('button', { text: 'Stop', attrs: { type: 'button', 'data-testid': 'stop-participating', disabled: true } });
  const status = h('p', { className: 'status', attrs: { role: 'status', 'data-testid': 'site-status' } });
  const error = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'train-error' } });
  const roundInfo = h('p', { attrs: { 'data-testid': 'round-info' } });
  const notices = h('ul', { className: 'notices' });
  const joinFirst = h('p', { attrs: { 'data-testid': 'join-first', hidden: true } }, 'This browser has not joined the federation yet: open the invite link its operator sent you, then come back here. ', h('a', { text: 'Join', attrs: { href: routeHref('join') } }));
  const lateWarning = h('p', { className: 'warning-text', attrs: { 'data-testid': 'deadline-warning', hidden: true } });
  const lossChart = new LineChart({ title: 'Local training loss per round', xLabel: 'round', yLabel: 'loss', series: [{ label: 'mean loss', stroke: '#c0392b' }] });
  const diceChart = new LineChart({
    title: 'Dice of the global model on this site\'s validation cases', xLabel: 'round', yLabel: 'Dice', yRange: [0, 1],
    series: REGION_SERIES,
  });
  const historyTable = h('tbody');

  async function participate(resuming: boolean): Promise<void> {
    error.textContent = '';
    start.disabled = true;
    resume.hidden = true;
    stop.disabled = false;
    try {
      // no backend, no training: tfjs would go on with whatever backend it has, maybe one whose gradients are wrong
      choosingBackend = true;
      const backend = await state.initBackend().finally(() => (choosingBackend = false));
      if (!backend) throw new Error('no compute backend could start in this browser (see the panel above)');
      // Stop pressed while the backend was chosen: the Worker has nothing to stop yet, so nothing starts
      if (stopping) {
        status.textContent = 'Stopped before it started.';
        if (resuming) resume.hidden = false; // the checkpoint is untouched: it can still be resumed
        return;
      }
      if (resuming) await state.worker.resume();
      else await state.worker.participate();
    } catch (e) {
      error.textContent = `Taking part stopped: ${errorText(e)}`;
      // e.g. another tab took part: it may be tried again once that one stopped; not when nothing resumable is left
      const code = (e as { code?: unknown }).code;
      if (resuming && code !== 'NO_CHECKPOINT' && code !== 'CHECKPOINT_INCOMPLETE') resume.hidden = false;
    } finally {
      stopping = false;
      start.disabled = state.identity === null;
      stop.disabled = true;
    }
  }
  start.addEventListener('click', () => void participate(false));
  resume.addEventListener('click', () => void participate(true));
  /** Stop was pressed and the participation has not ended yet */
  let stopping = false;
  /** this view's Start is waiting for the backend: the Worker runs nothing yet (a Stop there would only drop the resume checkpoint) */
  let choosingBackend = false;
  stop.addEventListener('click', () => {
    stopping = true;
    stop.disabled = true;
    status.textContent = 'Stopping: the current step, upload or wait ends first…';
    // a participation started by an earlier instance of this view is stopped in the Worker too
    if (!choosingBackend) void state.worker.stopParticipating();
  });

  const showProgress = (p: SiteProgress): void => {
    // the status line is announced: once per phase, not once per training step (the bar has the step)
    const running = isTakingPart(p.phase);
    if (!running) stopping = false;
    const announced = p.phase === 'training' ? `Round ${p.round}: training` : p.message;
    if (!stopping && status.textContent !== announced) status.textContent = announced;
    const current = TAKING_PART.indexOf(p.phase);
    for (const b of bars) {
      const idx = TAKING_PART.indexOf(b.phase);
      if (p.phase === 'finished' || (current > idx && current >= 0)) b.bar.set(1, 'done');
      else if (p.phase === b.phase) {
        if (b.phase === 'training' && p.steps) b.bar.set((p.step ?? 0) / p.steps, `step ${p.step ?? 0} of ${p.steps} · ETA ${formatDuration(p.etaMs ?? Number.NaN)}${p.loss !== undefined ? ` · loss ${formatNumber(p.loss)}` : ''}`);
        else if (b.phase === 'preparing' && p.steps) b.bar.set((p.step ?? 0) / p.steps, `case ${Math.min(p.steps, (p.step ?? 0) + 1)} of ${p.steps}`);
        else b.bar.set(Number.NaN, 'in progress');
      } else b.bar.set(0, current < 0 ? '' : 'waiting');
    }
    start.disabled = running || state.identity === null;
    stop.disabled = !running || stopping;
    const late = deadlineWarning(p, state.roundStatus.value, Date.now());
    lateWarning.hidden = late === null;
    if (late !== null && lateWarning.textContent !== late) lateWarning.textContent = late;
  };

  const offs = [
    state.progress.subscribe(showProgress),
    state.roundStatus.subscribe((r) => (roundInfo.textContent = roundInfoText(r, Date.now()))),
    state.history.subscribe((rows) => {
      lossChart.clear();
      diceChart.clear();
      for (const r of rows) {
        lossChart.add(r.round, [r.meanLoss ?? Number.NaN]);
        diceChart.add(r.round, REGIONS.map((g) => r.dice?.[g] ?? Number.NaN));
      }
      const f = state.federation.value;
      const planned = f.status === 'ready' ? f.info.plan.rounds : Number.POSITIVE_INFINITY;
      replaceChildren(historyTable, ...rows.map((r) => h('tr', {},
        // the final model is evaluated under round rounds + 1
        h('td', { className: 'num', text: r.round > planned ? 'final model' : String(r.round) }),
        ...REGIONS.map((g) => h('td', { className: 'num', text: formatNumber(r.dice?.[g] ?? Number.NaN, 3) })),
        h('td', { className: 'num', text: formatNumber(r.meanLoss ?? Number.NaN) }),
        h('td', { className: 'num', text: r.updateNotUsed ? `not used: ${r.updateNotUsed}` : r.uploadBytes !== undefined ? formatBytes(r.uploadBytes) : '—' }))));
    }),
    state.notices.subscribe((n) => replaceChildren(notices, ...n.map((t) => h('li', { className: t.tone, text: t.text })))),
    state.federation.subscribe(() => {
      // a browser that has not joined has nothing to take part in: Start waits for the join
      const joined = state.identity !== null;
      joinFirst.hidden = joined;
      start.disabled = !joined || isTakingPart(state.progress.value.phase);
    }),
    state.federation.subscribe((f) => {
      // offered only before this page took part: a run since (finished, stopped) has used or dropped the checkpoint
      resume.hidden = !(f.status === 'ready' && f.info.resumable && state.progress.value.phase === 'idle');
      if (f.status === 'ready' && f.info.resumable && !resume.hidden) status.textContent = `This page was closed during round ${f.info.resumable.round} (${f.info.resumable.phase}); it can resume (Resume), or start over from the scans (Start, which drops what was kept).`;
    }),
  ];

  // the federation's status while this view is open (the site loop also reports each round)
  const refresh = (): void => {
    if (state.federation.value.status !== 'ready') return;
    state.worker.roundStatus().then((r) => state.roundStatus.set(r), () => undefined);
  };
  const timer = window.setInterval(refresh, 15_000);
  // the time left until the deadline, counted down between the answers
  const countdown = window.setInterval(() => (roundInfo.textContent = roundInfoText(state.roundStatus.value, Date.now())), 1000);
  offs.push(state.federation.subscribe(refresh), () => window.clearInterval(timer), () => window.clearInterval(countdown));

  const element = h('div', { className: 'view train' },
    h('h1', { text: 'Take part in training' }),
    fed.element,
    backend.element,
    h('section', { className: 'panel', attrs: { 'aria-labelledby': 'rounds-heading' } },
      h('h2', { id: 'rounds-heading', text: 'This round' }),
      roundInfo,
      joinFirst,
      h('div', { className: 'buttons' }, start, resume, stop),
      ...bars.map((b) => b.bar.element),
      status, lateWarning, error, notices),
    h('section', { className: 'panel charts', attrs: { 'aria-labelledby': 'history-heading' } },
      h('h2', { id: 'history-heading', text: 'Over the rounds' }),
      h('div', { className: 'chart-row' }, lossChart.element, diceChart.element),
      h('table', { attrs: { 'data-testid': 'round-history' } },
        tableHead('Round', 'Dice ET', 'Dice TC', 'Dice WT', 'Mean loss', 'Update sent'),
        historyTable)),
  );
  return { element, dispose: () => { for (const off of offs) off(); backend.dispose(); fed.dispose(); lossChart.dispose(); diceChart.dispose(); } };
}
