/**
 * DICOM series -> cases: one case per patient's study (PatientID and StudyInstanceUID;
 * by folder when files have no StudyInstanceUID); each series is matched
 * to a sequence by the SequenceRules, one series per sequence (the largest when several
 * match); the rest stay unassigned, with the reason, for the user to assign by hand.
 */
import { SEQUENCES, SEQUENCE_NAMES } from '../../core/types/sequences.ts';
import type { Sequence } from '../../core/types/sequences.ts';
import type { ImagingCase } from '../../core/types/case.ts';
import type { Volume } from '../../core/types/volume.ts';
import type { DicomSeries } from '../dicom/dicomSeries.ts';
import { folderName } from '../sourceFile.ts';
import type { DiscoveredCase, SeriesAssignment, UnassignedItem } from './discoveryReport.ts';
import { gridOf, sameGrid } from './niftiCases.ts';
import { DEFAULT_SEQUENCE_RULES, matchSequence } from './sequenceRules.ts';
import type { SequenceRules } from './sequenceRules.ts';

const voxels = (s: DicomSeries) => s.volume.dims[0] * s.volume.dims[1] * s.volume.dims[2];
export const seriesName = (s: DicomSeries) =>
  `${s.seriesNumber !== undefined ? `#${s.seriesNumber} ` : ''}"${s.description || s.protocolName || 'no description'}"`;

/** The folder all these files share ('' when none). */
function commonFolder(files: readonly string[]): string {
  const folders = files.map(folderName);
  let common = folders[0] ?? '';
  for (const f of folders) while (common && f !== common && !f.startsWith(common + '/')) common = folderName(common);
  return common;
}

/**
 * Which series make one case: one patient's study (PatientID and StudyInstanceUID; a UID
 * reused for two patients makes two cases). Series without a StudyInstanceUID are grouped
 * by the folder of their study: the folder of their files when other series share it,
 * else its parent (study/series/files).
 */
function caseKeys(series: readonly DicomSeries[]): Map<DicomSeries, string> {
  const folders = new Map(series.map((s) => [s, commonFolder(s.files)]));
  const seriesIn = new Map<string, number>();
  for (const f of folders.values()) seriesIn.set(f, (seriesIn.get(f) ?? 0) + 1);
  const studyFolder = (s: DicomSeries): string => {
    const f = folders.get(s)!;
    return seriesIn.get(f)! > 1 ? f : folderName(f);
  };
  return new Map(series.map((s) => [s, `${s.study.patientId}\u0000${s.studyInstanceUid || `folder:${studyFolder(s)}`}`]));
}

/**
 * A readable local id for each case, by series key: the folder its files share, else the
 * end of its study UID; unique among themselves and `taken` (the NIfTI cases' ids).
 */
function caseIds(series: readonly DicomSeries[], taken: ReadonlySet<string>): Map<string, string> {
  const keys = caseKeys(series);
  const byCase = new Map<string, DicomSeries[]>();
  for (const s of series) byCase.set(keys.get(s)!, [...(byCase.get(keys.get(s)!) ?? []), s]);
  const ids = new Map<string, string>();
  const used = new Set(taken);
  for (const list of byCase.values()) {
    const uid = list[0]!.studyInstanceUid;
    const base = commonFolder(list.flatMap((s) => s.files)) || `study ${uid.slice(-8) || '(no UID)'}`;
    let id = base;
    if (used.has(id) && uid) id = `${base} (study ${uid.slice(-8)})`;
    for (let n = 2; used.has(id); n++) id = `${base} (${n})`;
    used.add(id);
    for (const s of list) ids.set(s.key, id);
  }
  return ids;
}

/** Assigns every series by rules: at most one series per sequence per case (a patient's study). `takenIds`: ids a case must not get. */
export function assignByRules(series: readonly DicomSeries[], rules: SequenceRules = DEFAULT_SEQUENCE_RULES, takenIds: ReadonlySet<string> = new Set()): SeriesAssignment[] {
  const ids = caseIds(series, takenIds);
  const out: SeriesAssignment[] = [];
  const chosen = new Map<string, DicomSeries>(); // caseId|sequence -> series
  const candidates: { s: DicomSeries; caseId: string; sequence: Sequence }[] = [];
  for (const s of series) {
    const caseId = ids.get(s.key)!;
    const rule = matchSequence(s.description, s.protocolName, rules);
    const base = { seriesUid: s.key, caseId, description: seriesName(s), grid: gridOf(s.volume) };
    if (s.volume.dims[2] < 2) out.push({ ...base, sequence: null, how: 'none', reason: 'a single slice, not a volume' });
    else if (!rule) out.push({ ...base, sequence: null, how: 'none', reason: 'no rule matches its description; assign it by hand' });
    else if (rule.sequence === 'ignore') out.push({ ...base, sequence: null, how: 'none', reason: `not one of the four sequences (${rule.note ?? rule.pattern})` });
    else candidates.push({ s, caseId, sequence: rule.sequence });
  }
  for (const c of candidates) {
    const key = `${c.caseId}|${c.sequence}`;
    const prev = chosen.get(key);
    if (!prev || voxels(c.s) > voxels(prev)) chosen.set(key, c.s);
  }
  for (const c of candidates) {
    const key = `${c.caseId}|${c.sequence}`;
    const winner = chosen.get(key)!;
    const base = { seriesUid: c.s.key, caseId: c.caseId, description: seriesName(c.s), grid: gridOf(c.s.volume) };
    if (winner === c.s) out.push({ ...base, sequence: c.sequence, how: 'rule', reason: `description matches ${SEQUENCE_NAMES[c.sequence]}` });
    else out.push({ ...base, sequence: null, how: 'none', reason: `also looks like ${SEQUENCE_NAMES[c.sequence]}, but ${seriesName(winner)} has more voxels and was chosen; assign by hand to change` });
  }
  return out;
}

/** What a reader should know of how the case's series were grouped. */
function groupingNotes(series: readonly DicomSeries[], all: ReadonlyMap<string, DicomSeries>): string[] {
  const notes: string[] = [];
  if (series.some((s) => !s.studyInstanceUid)) notes.push('its files have no StudyInstanceUID: the series in its folder were taken as one study');
  const uid = series[0]?.studyInstanceUid;
  const patient = series[0]?.study.patientId;
  if (uid && [...all.values()].some((o) => o.studyInstanceUid === uid && o.study.patientId !== patient)) {
    notes.push("its StudyInstanceUID also names another patient's series (another PatientID): they were kept apart as another case");
  }
  return notes;
}

/** Cases (one per patient's study) from assignments. */
export function dicomCasesFrom(
  assignments: readonly SeriesAssignment[],
  volumes: ReadonlyMap<string, DicomSeries>,
): { cases: DiscoveredCase[]; unassigned: UnassignedItem[] } {
  const byCase = new Map<string, SeriesAssignment[]>();
  for (const a of assignments) byCase.set(a.caseId, [...(byCase.get(a.caseId) ?? []), a]);
  const cases: DiscoveredCase[] = [];
  const unassigned: UnassignedItem[] = [];
  for (const [id, list] of byCase) {
    const bySequence = new Map<Sequence, DicomSeries>();
    for (const a of list) {
      if (a.sequence) bySequence.set(a.sequence, volumes.get(a.seriesUid)!);
      else unassigned.push({ kind: 'dicom-series', id: a.seriesUid, caseId: id, description: a.description, grid: a.grid, reason: a.reason });
    }
    const found = SEQUENCES.filter((s) => bySequence.has(s));
    if (found.length === 0) continue;
    const missing = SEQUENCES.filter((s) => !bySequence.has(s));
    const reference = bySequence.get('t1ce') ?? bySequence.get(found[0]!)!;
    const refGrid = gridOf(reference.volume);
    const notes = groupingNotes(found.map((s) => bySequence.get(s)!), volumes);
    const sources: DiscoveredCase['sources'] = {};
    const grids: DiscoveredCase['grids'] = {};
    const seriesUids: Partial<Record<Sequence, string>> = {};
    for (const s of found) {
      const ser = bySequence.get(s)!;
      sources[s] = seriesName(ser);
      grids[s] = gridOf(ser.volume);
      seriesUids[s] = ser.key;
      if (!sameGrid(ser.volume, reference.volume)) notes.push(`${s} is on another grid (${grids[s].dims.join('x')}, ${grids[s].orientation}) than ${seriesName(reference)}; it will be resampled`);
      for (const w of ser.warnings) notes.push(`${s}: ${w}`);
    }
    // one series at a time, each decoded again from its files
    const loadImaging = async (): Promise<ImagingCase> => {
      const images: Partial<Record<Sequence, Volume<Float32Array>>> = {};
      for (const s of SEQUENCES) images[s] = await bySequence.get(s)!.readVolume();
      return { id, images: images as Record<Sequence, Volume<Float32Array>> };
    };
    cases.push({
      id, source: 'dicom', found, missing, hasLabel: false,
      dims: refGrid.dims, spacing: refGrid.spacing, orientation: refGrid.orientation,
      sources, grids, seriesUids, notes,
      ...(missing.length === 0 ? { loadImaging } : {}),
    });
  }
  return { cases, unassigned };
}
