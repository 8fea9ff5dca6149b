/**
 * Review: pick a case; the Worker predicts it with the federation's current global
 * model; the scan is shown in axial, coronal and sagittal views with the predicted mask
 * over it (necrotic core, oedema, enhancing tumour in distinct colours, opacity, a
 * toggle per label, window/level, scrolling) and, where the site has one, the expert
 * mask beside it with the per-case Dice. The mask exports as NIfTI or DICOM SEG.
 */
import { regionVolumes } from '../../core/metrics/regionVolumes.ts';
import { LABEL_NAMES, REGIONS } from '../../core/types/labels.ts';
import { SEQUENCES, SEQUENCE_NAMES, type Sequence } from '../../core/types/sequences.ts';
import type { ReviewVolume } from '../../worker/workerApi.ts';
import { h, ProgressBar, replaceChildren } from '../dom.ts';
import { formatNumber } from '../format.ts';
import { errorText, type AppState } from '../state/appState.ts';
import { autoWindow, LABEL_PALETTES, labelPalette, VIEW_AXES, type RenderOptions } from '../viewer/sliceImage.ts';
import { CornerstoneReview } from '../viewer/cornerstoneReview.ts';
import { SliceViewer } from '../viewer/sliceViewer.ts';
import { callback } from '../workerClient.ts';
import { caseOptionText, modelText, predictionProgressText, scoreCaveat } from './reviewText.ts';
import { routeHref } from '../router.ts';
import type { View } from './view.ts';
import { isTakingPart } from '../state/takingPart.ts';

function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = h('a', { attrs: { href: url, download: name } });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const safeName = (id: string): string => id.replace(/^.*\//, '').replace(/[^A-Za-z0-9._-]+/g, '_');

export function reviewView(state: AppState): View {
  const select = h('select', { id: 'review-case', attrs: { 'data-testid': 'review-case' } });
  const open = h('button', { text: 'Predict and show', attrs: { type: 'submit', 'data-testid': 'review-open' } });
  const cancel = h('button', { text: 'Cancel', attrs: { type: 'button', 'data-testid': 'review-cancel', hidden: true }, on: { click: () => void state.worker.cancelReview() } });
  const progress = new ProgressBar('Predicting');
  const error = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'review-error' } });
  // announced once per step (the bar's label is not a live region): predicting, then what is shown
  const announce = h('p', { className: 'visually-hidden', attrs: { role: 'status', 'data-testid': 'review-status' } });
  const viewerHost = h('div', { attrs: { 'data-testid': 'review-viewer' } });
  // a prediction while the site takes part runs on the same graphics card as its training
  const sharing = h('p', { className: 'muted', attrs: { 'data-testid': 'review-sharing' } });
  const offProgress = state.progress.subscribe((p) => {
    sharing.textContent = isTakingPart(p.phase)
      ? 'This site is taking part in training: a prediction now shares the graphics card with it, which slows the round (and a large model may not fit beside it).'
      : '';
  });
  const form = h('form', { className: 'demo-form', on: { submit: (ev) => { ev.preventDefault(); void show(); } } },
    h('label', { attrs: { for: 'review-case' }, text: 'Case' }), select, open, cancel);

  // nothing to predict before this browser joined (the model is the federation's) and loaded a case with all four sequences
  const showCases = (): void => {
    const cases = (state.data.value?.cases ?? []).filter((c) => c.reviewable);
    const joined = state.identity !== null;
    const chosen = select.value;
    replaceChildren(select, ...cases.map((c) => h('option', { text: caseOptionText(c), attrs: { value: c.id } })));
    if (cases.some((c) => c.id === chosen)) select.value = chosen;
    open.disabled = cases.length === 0 || !joined;
    if (!joined || !cases.length) {
      replaceChildren(viewerHost, h('p', { attrs: { 'data-testid': 'review-empty' } },
        !joined ? 'This browser has not joined the federation: the review predicts with the federation\'s model, so join first (with the invite link its operator sent you), then load your scans.'
          : 'No case with all four sequences (T1, T1Gd, T2, FLAIR) is loaded: choose your scans on the ',
        joined ? h('a', { text: 'Scans tab', attrs: { href: routeHref('data') } }) : null, joined ? '.' : null));
    }
  };
  const offData = state.data.subscribe(showCases);
  const offJoined = state.federation.subscribe(showCases);
  progress.element.hidden = true;

  /** the live Cornerstone viewer, disposed when another case is shown or the view closes */
  let current: CornerstoneReview | undefined;
  let disposed = false;

  async function show(): Promise<void> {
    const caseId = select.value;
    if (!caseId) return;
    error.textContent = '';
    open.disabled = true;
    select.disabled = true; // the case shown is the case named
    progress.element.hidden = false;
    progress.set(Number.NaN, 'preparing the case and loading the model…');
    announce.textContent = `Predicting case ${caseId}…`;
    try {
      await state.initBackend();
      cancel.hidden = false;
      const started = performance.now();
      const r = await state.worker.review(caseId, callback(({ done, total }: { done: number; total: number }) => progress.set(done / total, predictionProgressText(done, total, performance.now() - started))));
      progress.set(1, 'done');
      current?.dispose();
      current = undefined;
      await renderReview(r);
    } catch (e) {
      const cancelled = (e as { code?: unknown }).code === 'PREDICTION_ABORTED';
      progress.set(0, cancelled ? 'cancelled' : 'failed');
      error.textContent = cancelled ? '' : `The case could not be predicted: ${errorText(e)}`;
      announce.textContent = cancelled ? `The prediction of case ${caseId} was cancelled.` : '';
    } finally {
      cancel.hidden = true;
      open.disabled = false;
      select.disabled = false;
    }
  }

  /** the mask colours last chosen in this browser (a reader who needs colour-blind safe colours chooses once) */
  const PALETTE_KEY = 'fedseg.maskColours';
  // (storage may be switched off by the hospital's browser policy: then the choice lasts this page)
  const storedPalette = (): string => {
    let key = 'brats';
    try {
      key = localStorage.getItem(PALETTE_KEY) ?? 'brats';
    } catch { /* storage unavailable */ }
    return key in LABEL_PALETTES ? key : 'brats';
  };
  const storePalette = (key: string): void => {
    try {
      localStorage.setItem(PALETTE_KEY, key);
    } catch { /* storage unavailable */ }
  };

  async function renderReview(r: ReviewVolume, tryCornerstone = true, failure = ''): Promise<void> {
    const grid = { dims: r.dims, affine: r.affine };
    const sequences = SEQUENCES.filter((s) => r.images[s]);
    let sequence: Sequence = sequences.includes('flair') ? 'flair' : sequences[0]!;
    const win = autoWindow(r.images[sequence]!);
    let palette = storedPalette();
    let options: RenderOptions = { level: win.level, width: win.width, opacity: 0.5, labels: new Set([1, 2, 4]), colours: labelPalette(palette) };
    const masks = [{ title: 'Prediction', data: r.prediction, id: 'pred' }, ...(r.truth ? [{ title: 'Expert label', data: r.truth, id: 'truth' }] : [])];
    // Cornerstone3D (WebGL); the canvas viewer where WebGL is missing or fails
    let cs: CornerstoneReview | null = null;
    let csError = failure;
    const onWindow = (l: number, w: number): void => {
      options = { ...options, level: l, width: w };
      level.value = String(+l.toPrecision(4));
      width.value = String(+w.toPrecision(4));
    };
    try {
      if (tryCornerstone) cs = await CornerstoneReview.create({ grid, image: r.images[sequence]!, masks, level: win.level, width: win.width, opacity: options.opacity, palette, onWindow });
    } catch (e) {
      csError = errorText(e);
    }
    const viewers: SliceViewer[] = [];
    const rows: Node[] = [];
    if (cs) {
      rows.push(...cs.rows);
    } else {
      rows.push(h('p', { className: 'muted', attrs: { 'data-testid': 'viewer-fallback' }, text: `WebGL is not available here${csError ? ` (${csError})` : ''}: the scans are shown with the simple canvas viewer (no pan or zoom).` }));
      for (const m of masks) {
        const row = VIEW_AXES.map((axis) => new SliceViewer(grid, axis, m.title, r.images[sequence]!, m.data, options, `view-${m.id}-${axis}`));
        viewers.push(...row);
        rows.push(h('div', { className: 'viewer-row' }, ...row.map((v) => v.element)));
      }
    }
    const update = (): void => viewers.forEach((v) => v.setOptions(options));
    const labelsShown = new Set(options.labels);

    const seqSelect = h('select', { id: 'review-seq', attrs: { 'aria-label': 'Sequence shown' } }, ...sequences.map((s) => h('option', { text: SEQUENCE_NAMES[s], attrs: { value: s } })));
    seqSelect.value = sequence;
    seqSelect.addEventListener('change', () => {
      sequence = seqSelect.value as Sequence;
      const w = autoWindow(r.images[sequence]!);
      options = { ...options, level: w.level, width: w.width };
      level.value = String(+w.level.toPrecision(4));
      width.value = String(+w.width.toPrecision(4));
      viewers.forEach((v) => v.setImage(r.images[sequence]!));
      cs?.setImage(r.images[sequence]!, w.level, w.width);
      update();
    });
    const opacity = h('input', { id: 'review-opacity', attrs: { type: 'range', min: 0, max: 1, step: 0.05, 'data-testid': 'review-opacity' } });
    opacity.value = String(options.opacity);
    opacity.addEventListener('input', () => { options = { ...options, opacity: Number(opacity.value) }; cs?.setOpacity(options.opacity); update(); });
    const level = h('input', { id: 'review-level', attrs: { type: 'number', step: 'any' } });
    const width = h('input', { id: 'review-width', attrs: { type: 'number', step: 'any', min: 0 } });
    level.value = String(+win.level.toPrecision(4));
    width.value = String(+win.width.toPrecision(4));
    const onWindowInput = (): void => {
      const l = Number(level.value);
      const w = Number(width.value);
      if (Number.isFinite(l) && w > 0) { options = { ...options, level: l, width: w }; cs?.setWindow(l, w); update(); }
    };
    level.addEventListener('change', onWindowInput);
    width.addEventListener('change', onWindowInput);
    const toggles = ([1, 2, 4] as const).map((l) => {
      const box = h('input', { id: `review-label-${l}`, attrs: { type: 'checkbox', 'data-testid': `review-label-${l}` } });
      box.checked = true;
      box.addEventListener('change', () => {
        const labels = new Set(options.labels);
        if (box.checked) labels.add(l);
        else labels.delete(l);
        options = { ...options, labels };
        if (labelsShown.has(l) !== box.checked) cs?.setLabelVisible(l, box.checked);
        if (box.checked) labelsShown.add(l);
        else labelsShown.delete(l);
        update();
      });
      return h('span', { className: `label-toggle label-${l}` }, box, ' ', h('label', { attrs: { for: `review-label-${l}` }, text: LABEL_NAMES[l] }));
    });
    const paletteSelect = h('select', { id: 'review-colours', attrs: { 'data-testid': 'review-colours' } },
      ...Object.entries(LABEL_PALETTES).map(([key, p]) => h('option', { text: p.name, attrs: { value: key } })));
    paletteSelect.value = palette;
    paletteSelect.addEventListener('change', () => {
      palette = paletteSelect.value;
      storePalette(palette);
      controls.className = `viewer-controls palette-${palette}`;
      options = { ...options, colours: labelPalette(palette) };
      cs?.setPalette(palette);
      update();
    });
    /** an export button: busy (disabled, saying so) until its file is written, so a double click writes one file */
    const exportButton = (text: string, testId: string, make: () => Promise<Uint8Array>, name: string, type: string): HTMLButtonElement => {
      const button = h('button', { text, attrs: { type: 'button', 'data-testid': testId } });
      button.addEventListener('click', () => {
        if (button.disabled) return;
        button.disabled = true;
        button.textContent = `${text}…`;
        error.textContent = '';
        make().then((bytes) => download(bytes, name, type), (e) => (error.textContent = `Export failed: ${errorText(e)}`)).finally(() => {
          button.disabled = false;
          button.textContent = text;
        });
      });
      return button;
    };
    const exportNifti = exportButton('Export mask as NIfTI', 'export-nifti', () => state.worker.exportNifti(r.caseId, r.modelHash), `${safeName(r.caseId)}_fedseg_pred.nii.gz`, 'application/gzip');
    const exportSeg = r.source === 'dicom'
      ? exportButton('Export mask as DICOM SEG', 'export-seg', () => state.worker.exportDicomSeg(r.caseId, r.modelHash), `${safeName(r.caseId)}_fedseg_seg.dcm`, 'application/dicom')
      : null;

    const volumes = regionVolumes(r.prediction, r.affine);
    const mL = (v: Record<string, number>): string => REGIONS.map((g) => `${g} ${formatNumber(v[g]!, 1)} mL`).join(' · ');
    const expert = r.truth ? ` (expert label: ${mL(regionVolumes(r.truth, r.affine))})` : '';
    const volumeText = (volumes.WT === 0 ? 'No tumour was predicted in this case: the exported masks are empty' : `Predicted volumes: ${mL(volumes)}`) + expert;
    announce.textContent = `Shown: case ${r.caseId}. ${volumeText}.`;
    // the label boxes' colour swatches follow the palette (CSS: .palette-<key> .label-<n>)
    const controls = h('div', { className: `viewer-controls palette-${palette}` },
      ...([['review-seq', 'Sequence', seqSelect], ['review-level', 'Level', level], ['review-width', 'Window', width],
        ['review-opacity', 'Mask opacity', opacity], ['review-colours', 'Mask colours', paletteSelect]] as const)
        // each label stays on the line of its control when the controls wrap
        .map(([id, text, control]) => h('span', { className: 'control' }, h('label', { attrs: { for: id }, text }), ' ', control)),
      ...toggles);
    const caveat = scoreCaveat(state.data.value?.cases.find((c) => c.id === r.caseId)?.role, r.dice !== undefined);
    replaceChildren(viewerHost,
      h('p', { attrs: { 'data-testid': 'review-volumes' }, text: volumeText }),
      h('p', { attrs: { 'data-testid': 'review-dice' } },
        r.dice ? `Dice against the expert label: ${REGIONS.map((g) => `${g} ${formatNumber(r.dice![g], 3)}`).join(' · ')}` + (r.hd95 ? `; HD95 ${REGIONS.map((g) => `${g} ${formatNumber(r.hd95![g], 1)} mm`).join(' · ')}` : '') : 'No expert label for this case: no Dice.',
        h('br'), h('span', { className: 'muted', attrs: { 'data-testid': 'review-shown' }, text: `case ${r.caseId} · predicted by ${modelText(r.modelRound)} (${r.modelHash.slice(0, 12)}…)` })),
      caveat ? h('p', { className: 'warning-text', attrs: { 'data-testid': 'review-caveat' }, text: caveat }) : null,
      controls,
      ...rows,
      h('div', { className: 'buttons' }, exportNifti, exportSeg),
      cs ? h('p', { className: 'muted', text: 'Left drag: window/level · middle drag: pan · right drag: zoom · wheel, arrow keys or slider: slices.' }) : null);
    if (cs) {
      if (disposed) return cs.dispose(); // the view was left while the prediction ran: free its rendering engine
      current = cs;
      try {
        await cs.mount();
      } catch (e) {
        // WebGL present but Cornerstone could not draw: the canvas viewer instead
        cs.dispose();
        current = undefined;
        await renderReview(r, false, errorText(e));
      }
    }
  }

  const element = h('div', { className: 'view review' },
    h('h1', { text: 'Review predictions' }),
    h('section', { className: 'panel' }, form, sharing, progress.element, error, announce),
    h('section', { className: 'panel' }, viewerHost));
  return { element, dispose: () => { disposed = true; offData(); offJoined(); offProgress(); current?.dispose(); current = undefined; } };
}
