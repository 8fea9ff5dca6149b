/**
 * What a DICOM series keeps of one of its files once the folder was read: the image's
 * attributes, the patient and study text a derived SEG copies, whether every frame
 * decoded, and the StoredFile to read its pixels from again. Not its bytes: dicom-parser's
 * dataset holds the whole file, and a site's folder is never held in memory whole.
 */
import { FedsegError } from '../../core/util/errors.ts';
import { baseName, fileChanged, readAgain, type StoredFile } from '../sourceFile.ts';
import { datasetTextDecoding, readText } from './characterSets.ts';
import type { DicomInstance, DicomInstanceInfo } from './dicomInstance.ts';
import type { DicomStudyInfo } from './dicomSeries.ts';
import { TAG } from './dicomTags.ts';
import { parseDicomFile } from './parseDicomFile.ts';
import { readFrameSamples, storeRealValues } from './readFrameSamples.ts';

export interface HeldDicomFile extends DicomInstanceInfo {
  readonly stored: StoredFile;
  /** PatientID as stored: compared (a series of two patients is refused), never shown */
  readonly patientId: string;
  /** the patient and study text, decoded by the file's SpecificCharacterSet, and what could not be */
  readonly study: { readonly info: DicomStudyInfo; readonly warnings: readonly string[] };
  /** why one of its frames could not be decoded (the first that failed); undefined when each did */
  readonly undecodable: { readonly code: string; readonly why: string } | undefined;
}

/**
 * Keeps what a series needs of a parsed file. Every frame is decoded now, into one
 * scratch frame, so that damage is named when the folder is read, not when training starts.
 */
export async function holdDicomFile(instance: DicomInstance, stored: StoredFile): Promise<HeldDicomFile> {
  const { dataSet, pixelElement: _pixels, ...info } = instance;
  const scratch = new Float32Array(instance.rows * instance.columns);
  let undecodable: HeldDicomFile['undecodable'];
  for (let f = 0; f < instance.frames.length && !undecodable; f++) {
    try {
      await decodeFrameInto(instance, f, scratch, 0);
    } catch (err) {
      undecodable = { code: err instanceof FedsegError ? err.code : 'DICOM_DECODE', why: err instanceof Error ? err.message : String(err) };
    }
  }
  return { ...info, stored, patientId: dataSet.string(TAG.PatientID) ?? '', study: studyText(instance), undecodable };
}

/** Patient/study text of the file, decoded by its SpecificCharacterSet; warnings when it could not be. */
function studyText(inst: DicomInstance): HeldDicomFile['study'] {
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

/**
 * The file parsed again from its StoredFile, for its pixels: it must still hold the image
 * read with the folder (the same bytes long, SOPInstanceUID, size, frames, their positions
 * and rescale, and encoding), else it fails naming the file and what differs (FILE_CHANGED),
 * as one that can no longer be read does (FILE_UNREADABLE).
 */
export async function parseAgain(held: HeldDicomFile, what: string): Promise<DicomInstance> {
  const parsed = parseDicomFile({ name: held.file, bytes: await readAgain(held.stored, what) });
  if ('problem' in parsed) throw fileChanged(held.file, what, `one that no longer reads (${parsed.problem.message})`);
  const now = parsed.instance;
  const differs = ([
    ['SOPInstanceUID', now.sopInstanceUid, held.sopInstanceUid],
    ['size', `${now.columns}x${now.rows}`, `${held.columns}x${held.rows}`],
    ['frames', now.frames.length, held.frames.length],
    ['bits', `${now.bitsAllocated}/${now.bitsStored}${now.signed ? ' signed' : ''}`, `${held.bitsAllocated}/${held.bitsStored}${held.signed ? ' signed' : ''}`],
    ['transfer syntax', now.transferSyntax.uid, held.transferSyntax.uid],
    ['frame positions and rescale', JSON.stringify(now.frames), JSON.stringify(held.frames)],
  ] as const).find(([, a, b]) => a !== b);
  if (differs) throw fileChanged(held.file, what, `another ${differs[0]} (${differs[1]}, not ${differs[2]})`.slice(0, 300));
  return now;
}

/** Frame `frame` of the instance as real values, into `out` at `offset`; throws the codec's or reader's error. */
export async function decodeFrameInto(instance: DicomInstance, frame: number, out: Float32Array, offset: number): Promise<void> {
  const g = instance.frames[frame]!;
  const samples = await readFrameSamples(instance, frame);
  storeRealValues(samples, instance.rows * instance.columns, instance.bitsStored, instance.signed, g.slope, g.intercept, out, offset);
}
