import type { Volume, VolumePlacement } from '../../core/types/volume.ts';
import type { LossyHistory } from './lossyHistory.ts';

/** Which stored frame one slice of the volume came from (for DICOM SEG references). */
export interface SourceFrameRef {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** 1-based frame number inside a multi-frame object; 1 for single-frame files */
  readonly frameNumber: number;
}

/** Patient/study attributes a derived object (DICOM SEG) must copy from its source. */
export interface DicomStudyInfo {
  readonly patientName: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly studyDate: string;
  readonly studyTime: string;
  readonly studyId: string;
  readonly accessionNumber: string;
  readonly referringPhysicianName: string;
  readonly studyDescription: string;
  readonly manufacturer: string;
}

/** One DICOM series, checked to read as one volume. */
export interface DicomSeries {
  /**
   * Identifies this volume among those read: the SeriesInstanceUID, plus "#echo N"
   * when one series held several echoes (one volume each).
   */
  readonly key: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly frameOfReferenceUid: string;
  /** SeriesDescription (with " (echo N)" for one echo of a multi-echo series) */
  readonly description: string;
  readonly protocolName: string;
  readonly modality: string;
  readonly seriesNumber: number | undefined;
  readonly transferSyntaxUid: string;
  /** null unless some of its images were ever lossy compressed; the methods of all of them */
  readonly lossyCompression: LossyHistory | null;
  /**
   * Where its voxels lie, without them: i along the rows (ImageOrientationPatient's first
   * vector), j down the columns, k along the slice normal; RAS affine.
   */
  readonly volume: VolumePlacement;
  /**
   * Its voxels, decoded again from the files (every frame decoded once when the series was
   * read, so damage is named then): the series keeps none, and the caller lets go of them.
   */
  readVolume(): Promise<Volume<Float32Array>>;
  /** per slice k of the volume, the frame it came from */
  readonly sourceUids: readonly SourceFrameRef[];
  /** file names in slice order */
  readonly files: readonly string[];
  readonly study: DicomStudyInfo;
  /** things worth saying that did not stop the read (e.g. geometry assumed) */
  readonly warnings: readonly string[];
}
