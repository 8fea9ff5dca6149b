/**
 * Data: choose a folder (directory picker, webkitdirectory input) or drop files; the
 * Worker reads them and lists the cases found, their sequences and sizes, and every
 * file it could not use with the reason. The user can exclude a case and assign a DICOM
 * series to a sequence by hand. Nothing is sent anywhere.
 */
import { SEQUENCES, SEQUENCE_NAMES, type Sequence } from '../../core/types/sequences.ts';
import type { CaseSummary, DataSummary } from '../../worker/workerApi.ts';
import { h, ProgressBar, replaceChildren, tableHead } from '../dom.ts';
import { formatBytes } from '../format.ts';
import { directoryPickerAvailable, filesFromDirectoryPicker, filesFromDrop, filesFromInput, type PickedFiles } from '../localFiles.ts';
import { errorText, type AppState } from '../state/appState.ts';
import { isTakingPart } from '../state/takingPart.ts';
import { callback } from '../workerClient.ts';
import { federationPanel } from './federationPanel.ts';
import { sequenceGaps } from '../../io/discovery/sequenceGaps.ts';
import { baseName, problemDetail } from '../../io/sourceFile.ts';
import { routeHref } from '../router.ts';
import type { View } from './view.ts';
import { validationNote } from './validationNote.ts';
import { MIN_REPORT_CASES_DEFAULT } from '../../core/protocol/plan.ts';

const ROLE_TEXT: Record<CaseSummary['role'], string> = {
  train: 'training',
  validation: 'validation',
  excluded: 'excluded by you',
  unusable: 'not usable',
};

export function dataView(state: AppState): View {
  const validationWarning = (d: DataSummary): HTMLElement | null => {
    const f = state.federation.value;
    const note = validationNote(d.train, d.validation, f.status === 'ready' ? f.info.plan.validation.minReportCases : MIN_REPORT_CASES_DEFAULT);
    return note ? h('p', { className: 'warning-text', attrs: { 'data-testid': 'validation-note' }, text: note }) : null;
  };
  const fed = federationPanel(state);
  const progress = new ProgressBar('Reading files');
  const error = h('p', { className: 'error-text', attrs: { role: 'alert', 'data-testid': 'data-error' } });
  const folderInput = h('input', { id: 'folder-input', attrs: { type: 'file', webkitdirectory: true, multiple: true, 'data-testid': 'folder-input' } });
  const filesInput = h('input', { id: 'files-input', attrs: { type: 'file', multiple: true, 'data-testid': 'files-input' } });
  // one button per way in; the native inputs stay (the browser's own file dialog, and where the
  // directory picker is missing) but out of sight: their "No file chosen" says nothing of what is loaded
  for (const input of [folderInput, filesInput]) {
    input.classList.add('visually-hidden');
    input.tabIndex = -1;
  }
  const pickButton = h('button', {
    text: 'Choose a folder…', attrs: { type: 'button', 'data-testid': 'pick-folder' },
    on: { click: () => (directoryPickerAvailable() ? void pickDirectory() : folderInput.click()) },
  });
  const filesButton = h('button', { text: 'Choose files…', attrs: { type: 'button' }, on: { click: () => filesInput.click() } });
  progress.element.hidden = true;
  // a mouse-only alternative to the pickers above, so not a keyboard stop
  const drop = h('div', { className: 'dropzone', text: 'Or drop a folder or files here.' });
  const results = h('div', { attrs: { 'data-testid': 'data-results' } });
  // while the site takes part its cases are fixed: the rounds use them as they were when it started
  const fixed = h('p', { className: 'muted', attrs: { role: 'status', 'data-testid': 'cases-fixed' } });
  const takingPart = (): boolean => isTakingPart(state.progress.value.phase);

  folderInput.addEventListener('change', () => folderInput.files && void load(filesFromInput(folderInput.files)));
  filesInput.addEventListener('change', () => filesInput.files && void load(filesFromInput(filesInput.files)));
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    if (ev.dataTransfer) void filesFromDrop(ev.dataTransfer.items).then(load, (e) => (error.textContent = `The dropped items could not be read: ${errorText(e)}`));
  });

  async function pickDirectory(): Promise<void> {
    try {
      const files = await filesFromDirectoryPicker();
      if (files) await load(files);
    } catch (e) {
      error.textContent = `The folder could not be opened: ${errorText(e)}`;
    }
  }

  /** one folder at a time: two loads would interleave their progress and hold both folders in the Worker */
  let loading = false;
  const setLoading = (on: boolean): void => {
    loading = on;
    lockPickers();
  };
  const lockPickers = (): void => {
    const locked = loading || takingPart();
    for (const control of [folderInput, filesInput, pickButton, filesButton]) control.disabled = locked;
    drop.classList.toggle('busy', locked);
    fixed.textContent = takingPart()
      ? 'This site is taking part: it trains on these cases as they were when it started, so they cannot change now. To change them, stop taking part (Train tab).'
      : '';
  };

  async function load({ files, problems }: PickedFiles): Promise<void> {
    if (takingPart()) {
      error.textContent = 'This site is taking part: stop taking part (Train tab) before choosing other scans.';
      return;
    }
    if (loading) {
      error.textContent = 'A folder is still being read: wait for it to finish, then choose again.';
      return;
    }
    error.textContent = '';
    if (files.length === 0) {
      error.textContent = problems.length
        ? `No file could be opened: ${problems.slice(0, 3).map((p) => p.message).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`
        : 'The folder is empty.';
      return;
    }
    setLoading(true);
    progress.element.hidden = false;
    progress.set(0, `0 of ${files.length} files`);
    try {
      const summary = await state.worker.loadFiles(files, problems, callback(({ done, total }: { done: number; total: number }) =>
        // once every file is read, the cases are found (DICOM parsed, series sorted): no count to show
        done < total ? progress.set(done / total, `${done} of ${total} files read`) : progress.set(Number.NaN, `${total} files read; finding the cases…`)));
      progress.set(1, `${files.length} files read`);
      state.data.set(summary);
    } catch (e) {
      progress.set(0, 'failed');
      error.textContent = `The files could not be read: ${errorText(e)}`;
    } finally {
      setLoading(false);
    }
  }

  async function change(op: () => Promise<DataSummary>): Promise<void> {
    try {
      state.data.set(await op());
    } catch (e) {
      error.textContent = errorText(e);
    }
  }

  const render = (d: DataSummary | null): void => replaceChildren(results, ...(d ? renderSummary(d) : [h('p', { text: 'No scans loaded yet.' })]));
  const off = state.data.subscribe(render);
  // a participation that starts or ends locks or unlocks the cases
  let wasTakingPart = takingPart();
  const offProgress = state.progress.subscribe(() => {
    if (takingPart() === wasTakingPart) return;
    wasTakingPart = takingPart();
    lockPickers();
    render(state.data.value);
  });
  lockPickers();

  function renderSummary(d: DataSummary): Node[] {
    const caseRows = d.cases.map((c) => {
      const gaps = sequenceGaps(c);
      const use = h('input', { attrs: { type: 'checkbox', 'aria-label': `Use case ${c.id}`, 'data-testid': `use-${c.id}` } });
      use.checked = c.role === 'train' || c.role === 'validation';
      use.disabled = c.role === 'unusable' || takingPart();
      use.addEventListener('change', () => void change(() => state.worker.excludeCase(c.id, !use.checked)));
      return h('tr', { attrs: { 'data-case': c.id } },
        h('td', {}, use),
        h('th', { attrs: { scope: 'row' }, text: c.id }),
        h('td', { text: c.source === 'dicom' ? 'DICOM' : 'NIfTI' }),
        h('td', { text: c.found.map((s) => SEQUENCE_NAMES[s].split(' ')[0]).join(', ') + (gaps ? ` (${gaps})` : '') }),
        // which file is the expert label: a folder may hold several segmentations (predictions, the ground truth)
        h('td', { text: c.hasLabel ? `yes${c.sources.label ? ` (${baseName(c.sources.label)})` : ''}` : c.unreadable?.includes('label') ? 'unreadable' : 'no' }),
        h('td', { className: 'num', text: `${c.dims.join('×')} @ ${c.spacing.map((v) => +v.toFixed(2)).join('×')} mm ${c.orientation}` }),
        h('td', { attrs: { 'data-testid': `role-${c.id}` } }, ROLE_TEXT[c.role], c.reason ? h('div', { className: 'muted', text: c.reason }) : null, ...c.notes.map((n) => h('div', { className: 'muted', text: n }))),
      );
    });
    const nodes: Node[] = [
      h('p', { attrs: { role: 'status', 'data-testid': 'data-counts' } },
        `${d.files} files (${formatBytes(d.bytes)}) read; ${d.cases.length} case(s) found: `,
        h('strong', { text: `${d.train} for training` }), ', ', h('strong', { text: `${d.validation} for validation` }), '.'),
      ...[validationWarning(d)].filter((x): x is HTMLElement => x !== null),
      // the next step, once some case can train
      ...(d.train > 0 ? [h('p', { attrs: { 'data-testid': 'data-next' } }, h('a', { text: 'Next: take part in training', attrs: { href: routeHref('train') } }), ' (Train tab).')] : []),
      h('table', { attrs: { 'data-testid': 'case-table' } },
        h('caption', { text: 'Cases found' }),
        tableHead('Use', 'Case', 'Format', 'Sequences', 'Label', 'Size', 'Role'),
        h('tbody', {}, ...caseRows)),
    ];
    if (d.assignments.length) nodes.push(assignmentTable(d));
    if (d.unassigned.length) {
      nodes.push(h('h3', { text: 'Read but not placed in a case' }),
        h('ul', { attrs: { 'data-testid': 'unassigned' } }, ...d.unassigned.map((u) => h('li', {}, h('strong', { text: u.description || u.id }), `: ${u.reason}`))));
    }
    nodes.push(h('h3', { text: d.problems.length ? `${d.problems.length} file(s) could not be used` : 'Every file was usable' }));
    if (d.problems.length) {
      nodes.push(h('table', { attrs: { 'data-testid': 'problem-table' } },
        tableHead('File', 'Why'),
        h('tbody', {}, ...d.problems.map((p) => h('tr', { attrs: { 'data-code': p.code } }, h('td', { text: p.file }), h('td', { text: problemDetail(p) }))))));
    }
    return nodes;
  }

  function assignmentTable(d: DataSummary): Node {
    return h('table', { attrs: { 'data-testid': 'series-table' } },
      h('caption', { text: 'DICOM series: which sequence each one is (change it if the guess is wrong)' }),
      tableHead('Case', 'Series', 'Sequence', 'Why'),
      h('tbody', {}, ...d.assignments.map((a) => {
        const select = h('select', { attrs: { 'aria-label': `Sequence of series ${a.description}` } },
          h('option', { text: '(not used)', attrs: { value: '' } }),
          ...SEQUENCES.map((s) => h('option', { text: SEQUENCE_NAMES[s], attrs: { value: s } })));
        select.value = a.sequence ?? '';
        select.disabled = takingPart();
        select.addEventListener('change', () => void change(() => state.worker.assignSeries(a.seriesUid, (select.value || null) as Sequence | null)));
        return h('tr', {}, h('td', { text: a.caseId }), h('td', { text: a.description }), h('td', {}, select), h('td', { text: a.reason }));
      })));
  }

  const element = h('div', { className: 'view data' },
    h('h1', { text: 'Your scans' }),
    h('p', { className: 'lead', text: 'Choose the folder that holds your cases (NIfTI or DICOM). The files are read by this browser only; nothing is uploaded.' }),
    fed.element,
    h('section', { className: 'panel' },
      h('div', { className: 'pickers' },
        pickButton, filesButton,
        h('label', { className: 'visually-hidden', attrs: { for: 'folder-input' }, text: 'Folder' }), folderInput,
        h('label', { className: 'visually-hidden', attrs: { for: 'files-input' }, text: 'Files' }), filesInput),
      drop, progress.element, error, fixed),
    h('section', { className: 'panel' }, h('h2', { text: 'What was found' }), results),
  );
  return { element, dispose: () => { off(); offProgress(); fed.dispose(); } };
}
