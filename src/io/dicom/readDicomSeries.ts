/**
 * DICOM files -> series volumes. Files are grouped by SeriesInstanceUID, each series
 * is ordered along its slice normal and checked (sliceStack), and every frame is decoded
 * once; its Float32 volume, with a RAS+ affine (DICOM's LPS with x and y flipped), is
 * decoded again when asked for (readVolume), so a site's series hold no voxels.
 * Bytes in, volumes out: no fs, no DOM; the page runs it inside a Worker.
 * Every file or series that cannot be used becomes one FileProblem; nothing throws (a
 * series' readVolume throws only for files whose bytes changed since they were read).
 */
import { FedsegError } from '../../core/util/errors.ts';
import type { Dims3, Mat4, Vec3, Volume } from '../../core/types/volume.ts';
import { baseName, fileProblem, folderName } from '../sourceFile.ts';
import type { FileProblem, SourceFile } from '../sourceFile.ts';
import type { DicomInstance } from './dicomInstance.ts';
import type { DicomSeries, DicomStudyInfo, SourceFrameRef } from './dicomSeries.ts';
import { datasetTextDecoding, readText } from './characterSets.ts';
import { TAG } from './dicomTags.ts';
import { parseDicomFile } from './parseDicomFile.ts';
import { readFrameSamples, storeRealValues } from './readFrameSamples.ts';
import { sliceStack } from './sliceStack.ts';
import { mergeLossyHistories } from './lossyHistory.ts';
import type { SliceStack } from './sliceStack.ts';

export interface ReadDicomOptions {
  /** refuse a series whose volume would exceed this many voxels (checked before allocating) */
  readonly maxVoxels?: number;
}

export const DEFAULT_MAX_VOXELS = 128 * 1024 * 1024;

export interface DicomReadResult {
  readonly series: DicomSeries[];
  readonly problems: FileProblem[];
}

/**
 * The series a file belongs to: its SeriesInstanceUID; for a file without one (a broken
 * anonymiser), its study, folder and SeriesNumber, so that such a series is still read
 * as one volume rather than as single slices.
 */
export function seriesGroupKey(inst: DicomInstance): string {
  return inst.seriesInstanceUid || `no-series-uid:${inst.studyInstanceUid}|${folderName(inst.file)}|${inst.seriesNumber ?? ''}`;
}

/** Groups parsed instances by series (seriesGroupKey), keeping file order. */
export function groupBySeries(instances: readonly DicomInstance[]): Map<string, DicomInstance[]> {
  const groups = new Map<string, DicomInstance[]>();
  for (const inst of instances) {
    const key = seriesGroupKey(inst);
    const g = groups.get(key);
    if (g) g.push(inst);
    else groups.set(key, [inst]);
  }
  return groups;
}

export async function readDicomSeries(files: readonly SourceFile[], opts: ReadDicomOptions = {}): Promise<DicomReadResult> {
  const problems: FileProblem[] = [];
  const instances: DicomInstance[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = parseDicomFile(file);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const uid = parsed.instance.sopInstanceUid;
    const earlier = uid ? seen.get(uid) : undefined;
    if (earlier !== undefined) {
      problems.push(fileProblem(file.name, 'DICOM_DUPLICATE_FILE', `${baseName(file.name)}: the same image (SOPInstanceUID ${uid}) as ${baseName(earlier)}; the copy was skipped`));
      continue;
    }
    if (uid) seen.set(uid, file.name);
    instances.push(parsed.instance);
  }
  const series: DicomSeries[] = [];
  for (const group of groupBySeries(instances).values()) {
    for (const part of splitEchoes(group)) series.push(...(await readPart(part, opts, problems)));
  }
  return { series, problems };
}

/** One volume per echo when a series holds several (EchoNumbers differ); else the series as is. */
export function splitEchoes(group: readonly DicomInstance[]): { instances: DicomInstance[]; echo?: number }[] {
  const echoes = [...new Set(group.map((i) => i.echoNumber ?? 1))].sort((a, b) => a - b);
  if (echoes.length < 2) return [{ instances: [...group] }];
  return echoes.map((echo) => ({ instances: group.filter((i) => (i.echoNumber ?? 1) === echo), echo }));
}

/** Reads one volume's instances; a failure goes to `problems` (a last guard: nothing throws past the reader). */
async function readPart(
  part: { instances: DicomInstance[]; echo?: number },
  opts: ReadDicomOptions,
  problems: FileProblem[],
): Promise<DicomSeries[]> {
  const first = part.instances[0]!;
  try {
    const result = await seriesFromInstances(part.instances, opts, part.echo);
    if ('series' in result) return [result.series];
    problems.push(result.problem);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    problems.push(fileProblem(first.file, 'DICOM_UNREADABLE', `${baseName(first.file)}: the series could not be read (${why})`));
  }
  return [];
}

/** One series' instances -> a DicomSeries, or one problem naming the series and why. */
export async function seriesFromInstances(
  group: readonly DicomInstance[],
  opts: ReadDicomOptions = {},
  echo?: number,
): Promise<{ series: DicomSeries } | { problem: FileProblem }> {
  const first = group[0]!;
  const label = seriesLabel(first, group.length, echo);
  const mixed = mixedIdentity(group);
  if (mixed) return { problem: fileProblem(seriesFileName(group), 'DICOM_SERIES_MIXED', `${label}: ${mixed}`) };
  const stacked = sliceStack(group);
  if ('code' in stacked) return { problem: fileProblem(seriesFileName(group), stacked.code, `${label}: ${stacked.message}`) };
  const stack = stacked.stack;
  const nx = first.columns;
  const ny = first.rows;
  const nz = stack.slices.length;
  const maxVoxels = opts.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (nx * ny * nz > maxVoxels) {
    return {
      problem: fileProblem(seriesFileName(group), 'DICOM_TOO_LARGE', `${label}: ${nx}x${ny}x${nz} voxels exceed the memory budget of ${maxVoxels} voxels`),
    };
  }
  // every frame is decoded once now, so that damage is named at once; the voxels are let go
  const checked = await decodeStack(stack, nx * ny, label);
  if ('problem' in checked) return checked;
  const sourceUids: SourceFrameRef[] = stack.slices.map((s) => ({ sopClassUid: s.instance.sopClassUid, sopInstanceUid: s.instance.sopInstanceUid, frameNumber: s.frame + 1 }));
  const { affine, spacing } = rasAffine(stack);
  const dims: Dims3 = [nx, ny, nz];
  const study = studyInfo(first);
  const readVolume = async (): Promise<Volume<Float32Array>> => {
    const data = new Float32Array(nx * ny * nz);
    const decoded = await decodeStack(stack, nx * ny, label, data);
    // the files decoded when the series was read: only changed bytes fail here
    if ('problem' in decoded) throw new FedsegError(decoded.problem.code, decoded.problem.message);
    return { dims, spacing, affine, data };
  };
  return {
    series: {
      key: echo === undefined ? seriesGroupKey(first) : `${seriesGroupKey(first)}#echo${echo}`,
      seriesInstanceUid: first.seriesInstanceUid,
      studyInstanceUid: first.studyInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      description: echo === undefined ? first.seriesDescription : `${first.seriesDescription} (echo ${echo})`,
      protocolName: first.protocolName,
      modality: first.modality,
      seriesNumber: first.seriesNumber,
      transferSyntaxUid: first.transferSyntax.uid,
      lossyCompression: mergeLossyHistories(stack.slices.map((sl) => sl.instance.lossyCompression)),
      volume: { dims, spacing, affine },
      readVolume,
      sourceUids,
      files: [...new Set(stack.slices.map((sl) => sl.instance.file))],
      study: study.info,
      warnings: [
        ...(first.seriesInstanceUid ? [] : [`its ${stack.slices.length} image(s) have no SeriesInstanceUID: they were taken as one series by folder and SeriesNumber (a DICOM SEG cannot reference them)`]),
        ...stack.warnings, ...study.warnings,
      ],
    },
  };
}

/**
 * Decodes every slice of the stack, as real values, into `data` (slice k at k * sliceSize);
 * without `data`, each slice into one scratch slice (a check that every frame decodes).
 */
async function decodeStack(stack: SliceStack, sliceSize: number, label: string, data?: Float32Array): Promise<{ ok: true } | { problem: FileProblem }> {
  const scratch = data ? undefined : new Float32Array(sliceSize);
  for (let k = 0; k < stack.slices.length; k++) {
    const s = stack.slices[k]!;
    const g = s.instance.frames[s.frame]!;
    try {
      const samples = await readFrameSamples(s.instance, s.frame);
      storeRealValues(samples, sliceSize, s.instance.bitsStored, s.instance.signed, g.slope, g.intercept, data ?? scratch!, data ? k * sliceSize : 0);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const code = err instanceof FedsegError ? err.code : 'DICOM_DECODE';
      return { problem: fileProblem(s.instance.file, code, `${baseName(s.instance.file)} (${label}): ${why}`) };
    }
  }
  return { ok: true };
}

/** Voxel -> RAS affine of a slice stack: LPS columns (row dir * column spacing, ...), x and y negated. */
export function rasAffine(stack: SliceStack): { affine: Mat4; spacing: Vec3 } {
  const [rowSpacing, colSpacing] = stack.pixelSpacing;
  const ci = stack.rowDir.map((v) => v * colSpacing);
  const cj = stack.colDir.map((v) => v * rowSpacing);
  const ck = stack.step;
  const o = stack.origin;
  const flip = [-1, -1, 1];
  const affine: number[] = [];
  for (let r = 0; r < 3; r++) affine.push(flip[r]! * ci[r]!, flip[r]! * cj[r]!, flip[r]! * ck[r]!, flip[r]! * o[r]!);
  affine.push(0, 0, 0, 1);
  const kSpacing = Math.hypot(ck[0], ck[1], ck[2]);
  return { affine: affine.map((v) => (Object.is(v, -0) ? 0 : v)), spacing: [colSpacing, rowSpacing, kSpacing] };
}

function seriesLabel(inst: DicomInstance, files: number, echo?: number): string {
  const what = (inst.seriesDescription || inst.protocolName || 'no description') + (echo === undefined ? '' : ` (echo ${echo})`);
  const num = inst.seriesNumber !== undefined ? `series ${inst.seriesNumber} ` : 'series ';
  return `${num}"${what}" (${files} file${files === 1 ? '' : 's'})`;
}

function seriesFileName(group: readonly DicomInstance[]): string {
  const first = group[0]!.file;
  const i = first.lastIndexOf('/');
  return group.length === 1 || i < 0 ? first : first.slice(0, i + 1);
}

/**
 * Files of one series that name different patients or studies (a UID reused by a broken
 * anonymiser or export): one volume would be made of two people's slices. Said without the
 * identifiers themselves, which stay out of messages that may be shown or copied.
 */
function mixedIdentity(group: readonly DicomInstance[]): string | null {
  const first = group[0]!;
  const fields = [
    ['PatientID', (i: DicomInstance) => i.dataSet.string(TAG.PatientID) ?? ''],
    ['StudyInstanceUID', (i: DicomInstance) => i.studyInstanceUid],
  ] as const;
  for (const [name, value] of fields) {
    const other = group.find((i) => value(i) !== value(first));
    if (other) {
      return `expected one patient and one study in a series, found files with different ${name} (${baseName(first.file)} and ${baseName(other.file)}); the series was not read`;
    }
  }
  return null;
}

/** Patient/study text of the first file, decoded by its SpecificCharacterSet; warnings when it could not be. */
function studyInfo(inst: DicomInstance): { info: DicomStudyInfo; warnings: string[] } {
  const text = datasetTextDecoding(inst.dataSet);
  const s = (tag: string) => readText(inst.dataSet, tag, text);
  const info: DicomStudyInfo = {
    patientName: s(TAG.PatientName),
    patientId: s(TAG.PatientID),
    patientBirthDate: s(TAG.PatientBirthDate),
    patientSex: s(TAG.PatientSex),
    studyDate: s(TAG.StudyDate),
    studyTime: s(TAG.StudyTime),
    studyId: s(TAG.StudyID),
    accessionNumber: s(TAG.AccessionNumber),
    referringPhysicianName: s(TAG.ReferringPhysicianName),
    studyDescription: s(TAG.StudyDescription),
    manufacturer: s(TAG.Manufacturer),
  };
  return { info, warnings: text.warnings.map((w) => `${baseName(inst.file)}: ${w}`) };
}
