/**
 * DICOM series -> cases: one case per study (StudyInstanceUID); each series is matched
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

/** A readable local id for each study: the folder its files share, else the end of its UID. */
function studyIds(series: readonly DicomSeries[]): Map<string, string> {
  const byStudy = new Map<string, string[]>();
  for (const s of series) {
    const files = byStudy.get(s.studyInstanceUid) ?? [];
    files.push(...s.files);
    byStudy.set(s.studyInstanceUid, files);
  }
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const [uid, files] of byStudy) {
    const folders = files.map(folderName);
    let common = folders[0] ?? '';
    for (const f of folders) while (common && f !== common && !f.startsWith(common + '/')) common = folderName(common);
    let id = common || `study ${uid.slice(-8) || '(no UID)'}`;
    if (used.has(id)) id = `${id} (study ${uid.slice(-8)})`;
    used.add(id);
    ids.set(uid, id);
  }
  return ids;
}

/** Assigns every series by rules: at most one series per sequence per study. */
export function assignByRules(series: readonly DicomSeries[], rules: SequenceRules = DEFAULT_SEQUENCE_RULES): SeriesAssignment[] {
  const ids = studyIds(series);
  const out: SeriesAssignment[] = [];
  const chosen = new Map<string, DicomSeries>(); // caseId|sequence -> series
  const candidates: { s: DicomSeries; caseId: string; sequence: Sequence }[] = [];
  for (const s of series) {
    const caseId = ids.get(s.studyInstanceUid)!;
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

/** Cases (one per study) from assignments. */
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
    const notes: string[] = [];
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
    let imaging: ImagingCase | undefined;
    if (missing.length === 0) {
      const images = Object.fromEntries(SEQUENCES.map((s) => [s, bySequence.get(s)!.volume])) as Record<Sequence, Volume<Float32Array>>;
      imaging = { id, images };
    }
    cases.push({
      id, source: 'dicom', found, missing, hasLabel: false,
      dims: refGrid.dims, spacing: refGrid.spacing, orientation: refGrid.orientation,
      sources, grids, seriesUids, notes,
      ...(imaging ? { imaging } : {}),
    });
  }
  return { cases, unassigned };
}
