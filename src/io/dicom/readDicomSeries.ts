/**
 * DICOM files -> series volumes. Each file is read once, parsed and every frame of it
 * decoded (so damage is named at once), and only what its series needs is kept
 * (HeldDicomFile), not its bytes. Files are grouped by SeriesInstanceUID, and each series
 * is ordered along its slice normal and checked (sliceStack); its Float32 volume, with a
 * RAS+ affine (DICOM's LPS with x and y flipped), is decoded again from the files when
 * asked for (readVolume), so a site's series hold neither files nor voxels.
 * Files in, volumes out: no fs, no DOM; the page runs it inside a Worker.
 * Every file or series that cannot be used becomes one FileProblem; nothing throws (a
 * series' readVolume throws only for files that changed or went since they were read).
 */
import { FedsegError } from '../../core/util/errors.ts';
import type { Dims3, Mat4, Vec3, Volume } from '../../core/types/volume.ts';
import { baseName, fileProblem, folderName, readStored } from '../sourceFile.ts';
import type { FileProblem, SourceFile, StoredFile } from '../sourceFile.ts';
import type { DicomInstanceInfo } from './dicomInstance.ts';
import type { DicomSeries, SourceFrameRef } from './dicomSeries.ts';
import { decodeFrameInto, holdDicomFile, parseAgain, type HeldDicomFile } from './heldDicomFile.ts';
import { parseDicomFile } from './parseDicomFile.ts';
import { sliceStack } from './sliceStack.ts';
import { mergeLossyHistories } from './lossyHistory.ts';
import type { SliceStack } from './sliceStack.ts';
import { plural } from '../../core/util/plural.ts';

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
export function seriesGroupKey(inst: DicomInstanceInfo): string {
  return inst.seriesInstanceUid || `no-series-uid:${inst.studyInstanceUid}|${folderName(inst.file)}|${inst.seriesNumber ?? ''}`;
}

/** Groups parsed instances by series (seriesGroupKey), keeping file order. */
export function groupBySeries<T extends DicomInstanceInfo>(instances: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const inst of instances) {
    const key = seriesGroupKey(inst);
    const g = groups.get(key);
    if (g) g.push(inst);
    else groups.set(key, [inst]);
  }
  return groups;
}

/** Reads the files one at a time (a StoredFile's bytes are let go after its read), then builds the series. */
export async function readDicomSeries(files: readonly (SourceFile | StoredFile)[], opts: ReadDicomOptions = {}): Promise<DicomReadResult> {
  const reader = new DicomReader();
  for (const f of files) {
    const read = await readStored(f);
    if ('problem' in read) reader.problems.push(read.problem);
    else await reader.add(read.file, read.stored);
  }
  return reader.series(opts);
}

/** DICOM files handed over one by one (case discovery reads each file once, for whichever reader it is), then their series. */
export class DicomReader {
  readonly problems: FileProblem[] = [];
  private readonly held: HeldDicomFile[] = [];
  /** SOPInstanceUID -> the file that had it first */
  private readonly seen = new Map<string, string>();

  /** Parses one file and keeps what its series needs; the bytes are not kept. */
  async add(file: SourceFile, stored: StoredFile): Promise<void> {
    const parsed = parseDicomFile(file);
    if ('problem' in parsed) {
      this.problems.push(parsed.problem);
      return;
    }
    const uid = parsed.instance.sopInstanceUid;
    const earlier = uid ? this.seen.get(uid) : undefined;
    if (earlier !== undefined) {
      this.problems.push(fileProblem(file.name, 'DICOM_DUPLICATE_FILE', `${baseName(file.name)}: the same image (SOPInstanceUID ${uid}) as ${baseName(earlier)}; the copy was skipped`));
      return;
    }
    if (uid) this.seen.set(uid, file.name);
    this.held.push(await holdDicomFile(parsed.instance, stored));
  }

  /** The series of the files added, and every problem met (files first, then series). */
  async series(opts: ReadDicomOptions = {}): Promise<DicomReadResult> {
    const series: DicomSeries[] = [];
    const problems = [...this.problems];
    for (const group of groupBySeries(this.held).values()) {
      for (const part of splitEchoes(group)) series.push(...(await readPart(part, opts, problems)));
    }
    return { series, problems };
  }
}

/** One volume per echo when a series holds several (EchoNumbers differ); else the series as is. */
export function splitEchoes<T extends DicomInstanceInfo>(group: readonly T[]): { instances: T[]; echo?: number }[] {
  const echoes = [...new Set(group.map((i) => i.echoNumber ?? 1))].sort((a, b) => a - b);
  if (echoes.length < 2) return [{ instances: [...group] }];
  return echoes.map((echo) => ({ instances: group.filter((i) => (i.echoNumber ?? 1) === echo), echo }));
}

/** Reads one volume's instances; a failure goes to `problems` (a last guard: nothing throws past the reader). */
async function readPart(
  part: { instances: HeldDicomFile[]; echo?: number },
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
  group: readonly HeldDicomFile[],
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
  // every frame was decoded when its file was read: a series with one that failed is refused
  const bad = stack.slices.find((sl) => sl.instance.undecodable)?.instance;
  if (bad) return { problem: fileProblem(bad.file, bad.undecodable!.code, `${baseName(bad.file)} (${label}): ${bad.undecodable!.why}`) };
  const sourceUids: SourceFrameRef[] = stack.slices.map((s) => ({ sopClassUid: s.instance.sopClassUid, sopInstanceUid: s.instance.sopInstanceUid, frameNumber: s.frame + 1 }));
  const { affine, spacing } = rasAffine(stack);
  const dims: Dims3 = [nx, ny, nz];
  const study = first.study;
  const readVolume = async (): Promise<Volume<Float32Array>> => ({ dims, spacing, affine, data: await decodeStack(stack, nx * ny, label) });
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
 * The stack's voxels, slice k at k * sliceSize, decoded from its files read again one at a
 * time (each file's slices at once: a multi-frame file is read once).
 */
async function decodeStack(stack: SliceStack<HeldDicomFile>, sliceSize: number, label: string): Promise<Float32Array> {
  const data = new Float32Array(sliceSize * stack.slices.length);
  const slicesOf = new Map<HeldDicomFile, { k: number; frame: number }[]>();
  stack.slices.forEach((s, k) => {
    const list = slicesOf.get(s.instance) ?? [];
    slicesOf.set(s.instance, list);
    list.push({ k, frame: s.frame });
  });
  for (const [held, slices] of slicesOf) {
    const instance = await parseAgain(held, label);
    for (const { k, frame } of slices) {
      try {
        await decodeFrameInto(instance, frame, data, k * sliceSize);
      } catch (err) {
        // every frame decoded when the folder was read: only a file changed since fails here
        const why = err instanceof Error ? err.message : String(err);
        throw new FedsegError(err instanceof FedsegError ? err.code : 'DICOM_DECODE', `${baseName(held.file)} (${label}): ${why}`);
      }
    }
  }
  return data;
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

function seriesLabel(inst: DicomInstanceInfo, files: number, echo?: number): string {
  const what = (inst.seriesDescription || inst.protocolName || 'no description') + (echo === undefined ? '' : ` (echo ${echo})`);
  const num = inst.seriesNumber !== undefined ? `series ${inst.seriesNumber} ` : 'series ';
  return `${num}"${what}" (${plural(files, 'file')})`;
}

function seriesFileName(group: readonly DicomInstanceInfo[]): string {
  const first = group[0]!.file;
  const i = first.lastIndexOf('/');
  return group.length === 1 || i < 0 ? first : first.slice(0, i + 1);
}

/**
 * Files of one series that name different patients or studies (a UID reused by a broken
 * anonymiser or export): one volume would be made of two people's slices. Said without the
 * identifiers themselves, which stay out of messages that may be shown or copied.
 */
function mixedIdentity(group: readonly HeldDicomFile[]): string | null {
  const first = group[0]!;
  const fields = [
    ['PatientID', (i: HeldDicomFile) => i.patientId],
    ['StudyInstanceUID', (i: HeldDicomFile) => i.studyInstanceUid],
  ] as const;
  for (const [name, value] of fields) {
    const other = group.find((i) => value(i) !== value(first));
    if (other) {
      return `expected one patient and one study in a series, found files with different ${name} (${baseName(first.file)} and ${baseName(other.file)}); the series was not read`;
    }
  }
  return null;
}
