/**
 * The site's scans as the Worker holds them: files read here (never in the page's
 * thread, and each read again when its case is needed), cases found by discovery, the
 * user's exclusions and hand assignments, and the split into training and validation
 * cases. The page sees only a plain summary.
 */
import type { ImagingCase, TrainingCase } from '../core/types/case.ts';
import type { Sequence } from '../core/types/sequences.ts';
import { FedsegError } from '../core/util/errors.ts';
import { splitIds } from '../core/train/splitCases.ts';
import { assignSeries } from '../io/discovery/assignSeries.ts';
import { discoverCases } from '../io/discovery/discoverCases.ts';
import type { DiscoveredCase, DiscoveryReport } from '../io/discovery/discoveryReport.ts';
import { sequenceGaps } from '../io/discovery/sequenceGaps.ts';
import { prepareCaseWithTransform, type PreparedCase } from '../io/prepareCase.ts';
import { prepareEach, type PrepareEachOptions, type PreparationFailure } from '../io/prepareEach.ts';
import type { FileProblem, StoredFile } from '../io/sourceFile.ts';
import type { CaseSummary, DataSummary, LocalFile } from './workerApi.ts';

export type CaseRole = CaseSummary['role'];

/** The ids of the cases prepared for training, split; those left out and why; whether Stop ended the preparation. */
export interface PreparedSplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly failed: readonly PreparationFailure[];
  readonly stopped: boolean;
}

function unusableReason(c: DiscoveredCase, failed?: PreparationFailure): string | undefined {
  const unreadable = new Set(c.unreadable ?? []);
  if (!c.loadImaging) return `${sequenceGaps(c)}${c.missing.some((s) => unreadable.has(s)) ? ' (see the files that could not be used)' : ''}`;
  if (!c.hasLabel && unreadable.has('label')) return 'its label file could not be read (see the files that could not be used): it can be reviewed but not used for training';
  if (!c.hasLabel) return 'no label (segmentation) file: it can be reviewed but not used for training';
  if (failed) return `it could not be prepared for training: ${failed.message}`;
  return undefined;
}

export class SiteCases {
  private report: DiscoveryReport | undefined;
  private readonly excluded = new Set<string>();
  private files = 0;
  private bytes = 0;
  /** cases that could not be prepared (for training) with the current assignments: left out */
  private readonly failed = new Map<string, PreparationFailure>();
  /** counts the loads and assignments: cases prepared across one (their volumes are read asynchronously) are refused */
  private generation = 0;

  /** a folder is being read: a second one waits its turn (the page's view may have been opened again meanwhile) */
  private loading = false;

  /** Reads the files (File objects cross into the Worker; their bytes are read here) and discovers cases. */
  async load(files: readonly LocalFile[], onProgress?: (done: number, total: number) => void, unopened: readonly FileProblem[] = []): Promise<void> {
    if (this.loading) throw new FedsegError('LOAD_BUSY', 'a folder is being read already: wait until its cases are listed, then choose another');
    this.loading = true;
    try {
      await this.read(files, onProgress, unopened);
    } finally {
      this.loading = false;
    }
  }

  private async read(files: readonly LocalFile[], onProgress: ((done: number, total: number) => void) | undefined, unopened: readonly FileProblem[]): Promise<void> {
    // each file is read once for discovery and again when its case is prepared or reviewed:
    // the Worker holds File objects, not the folder's bytes
    const stored: StoredFile[] = files.map((f) => ({ name: f.path, size: f.file.size, read: () => f.file.arrayBuffer() }));
    let bytes = 0;
    const report = await discoverCases(stored, undefined, {
      onFile: (done, total, read) => {
        bytes = read;
        onProgress?.(done, total);
      },
    });
    // entries the page could not open come first, as the files this Worker cannot read
    this.report = { ...report, problems: [...unopened, ...report.problems] };
    this.files = files.length;
    this.bytes = bytes;
    this.excluded.clear();
    this.dataChanged();
  }

  private dataChanged(): void {
    this.generation++;
    this.failed.clear();
  }

  exclude(caseId: string, excluded: boolean): void {
    this.find(caseId);
    if (excluded) this.excluded.add(caseId);
    else this.excluded.delete(caseId);
  }

  assign(seriesUid: string, sequence: Sequence | null): void {
    this.report = assignSeries(this.requireReport(), seriesUid, sequence);
    this.dataChanged();
  }

  summary(validationFraction: number): DataSummary {
    const report = this.report;
    if (!report) return { files: 0, bytes: 0, cases: [], problems: [], unassigned: [], assignments: [], train: 0, validation: 0 };
    const roles = this.roles(validationFraction);
    return {
      files: this.files,
      bytes: this.bytes,
      cases: report.cases.map((c) => {
        const reason = unusableReason(c, this.failed.get(c.id));
        return {
          id: c.id, source: c.source, found: [...c.found], missing: [...c.missing], ...(c.unreadable ? { unreadable: [...c.unreadable] } : {}), hasLabel: c.hasLabel,
          dims: [...c.dims] as [number, number, number], spacing: [...c.spacing] as [number, number, number],
          orientation: c.orientation, sources: { ...c.sources }, notes: [...c.notes],
          reviewable: c.loadImaging !== undefined, role: roles.get(c.id) ?? 'unusable',
          ...(reason ? { reason } : {}),
        };
      }),
      problems: report.problems.map((p) => ({ file: p.file, code: p.code, message: p.message })),
      unassigned: report.unassigned.map((u) => ({ kind: u.kind, id: u.id, description: u.description, reason: u.reason, ...(u.caseId ? { caseId: u.caseId } : {}) })),
      assignments: report.assignments.map((a) => ({ seriesUid: a.seriesUid, caseId: a.caseId, description: a.description, sequence: a.sequence, how: a.how, reason: a.reason })),
      train: [...roles.values()].filter((r) => r === 'train').length,
      validation: [...roles.values()].filter((r) => r === 'validation').length,
    };
  }

  /**
   * Prepares the training and validation cases for the model's patch size, one at a time,
   * handing each to `keep` as it is ready (the Worker holds none of them here). A case that
   * cannot be prepared is left out (`failed`, and unusable in the summary, with the reason);
   * the others are split by id.
   */
  async siteData(
    patchSize: number, validationFraction: number, keep: (c: TrainingCase) => Promise<void>, opts: PrepareEachOptions = {},
  ): Promise<PreparedSplit> {
    const generation = this.generation;
    const { prepared, failed, stopped } = await prepareEach(this.usableIds(), async (id) => keep((await this.prepare(id, patchSize)).case), opts);
    if (generation !== this.generation) {
      throw new FedsegError('DATA_CHANGED', 'the scans or their sequence assignments changed while the cases were prepared: take part again to prepare them as they are now');
    }
    for (const f of failed) this.failed.set(f.caseId, f);
    // a case unticked while the cases were prepared is left out as asked
    const { train, validation } = splitIds([...prepared.keys()].filter((id) => !this.excluded.has(id)), validationFraction);
    return { train, validation, failed, stopped };
  }

  /**
   * A case preprocessed, with its way back to the source grid (not kept here). `imaging`:
   * the case's volumes when the caller read them already; else they are read from the files.
   */
  async prepare(caseId: string, patchSize: number, imaging?: ImagingCase): Promise<PreparedCase> {
    return prepareCaseWithTransform(imaging ?? (await this.imaging(caseId)), { patchSize });
  }

  /** The case's volumes, read from its files (discovery keeps none): the caller lets go of them when done. */
  async imaging(caseId: string): Promise<ImagingCase> {
    const c = this.find(caseId);
    if (!c.loadImaging) throw new FedsegError('CASE_INCOMPLETE', `case ${caseId}: cannot be read as a whole, ${unusableReason(c, undefined)}`);
    return await c.loadImaging();
  }

  find(caseId: string): DiscoveredCase {
    const c = this.requireReport().cases.find((x) => x.id === caseId);
    if (!c) throw new FedsegError('UNKNOWN_CASE', `no case "${caseId}" among the loaded scans`);
    return c;
  }

  get dicomReport(): DiscoveryReport | undefined {
    return this.report;
  }

  private usableIds(): string[] {
    return (this.report?.cases ?? []).filter((c) => !unusableReason(c, this.failed.get(c.id)) && !this.excluded.has(c.id)).map((c) => c.id);
  }

  private roles(validationFraction: number): Map<string, CaseRole> {
    const roles = new Map<string, CaseRole>();
    for (const c of this.report?.cases ?? []) roles.set(c.id, unusableReason(c, this.failed.get(c.id)) ? 'unusable' : this.excluded.has(c.id) ? 'excluded' : 'train');
    for (const id of splitIds(this.usableIds(), validationFraction).validation) roles.set(id, 'validation');
    return roles;
  }

  private requireReport(): DiscoveryReport {
    if (!this.report) throw new FedsegError('NO_DATA', 'no scans loaded yet: choose a folder first');
    return this.report;
  }
}
