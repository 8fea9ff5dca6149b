import type { DataSet, Element } from 'dicom-parser';
import type { TransferSyntax } from './transferSyntaxes.ts';
import type { LossyHistory } from './lossyHistory.ts';
import type { Vec3 } from '../../core/types/volume.ts';

/** Where one frame lies and how its stored values map to real values. */
export interface FrameGeometry {
  /** ImagePositionPatient, LPS mm; null when the file does not say */
  readonly position: Vec3 | null;
  /** ImageOrientationPatient: row direction (3) then column direction (3); null when absent */
  readonly orientation: readonly number[] | null;
  /** PixelSpacing: [between rows, between columns] mm; null when absent */
  readonly pixelSpacing: readonly [number, number] | null;
  readonly slope: number;
  readonly intercept: number;
}

/** What fedseg reads from one DICOM image file (single- or multi-frame), without its bytes. */
export interface DicomInstanceInfo {
  readonly file: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  /** '' when the file has none (its series is then told apart by study, folder and SeriesNumber) */
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly seriesDescription: string;
  readonly protocolName: string;
  readonly modality: string;
  readonly seriesNumber: number | undefined;
  /** EchoNumbers of a classic image (multi-echo series hold one volume per echo) */
  readonly echoNumber: number | undefined;
  readonly transferSyntax: TransferSyntax;
  /**
   * Whether these pixels were ever lossy compressed (LossyImageCompression 01, or a
   * syntax that always loses), with the methods as LossyImageCompressionMethod terms
   * (the file's, else the syntax's; empty when neither says); null when not.
   */
  readonly lossyCompression: LossyHistory | null;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly signed: boolean;
  readonly samplesPerPixel: number;
  readonly photometric: string;
  readonly sliceThickness: number | undefined;
  readonly spacingBetweenSlices: number | undefined;
  /** one entry per frame */
  readonly frames: readonly FrameGeometry[];
  /** true for enhanced multi-frame objects (per-frame functional groups) */
  readonly enhanced: boolean;
}

/** One DICOM image file as parsed: its info, and the dataset (which holds the file's bytes) to decode frames from. */
export interface DicomInstance extends DicomInstanceInfo {
  readonly dataSet: DataSet;
  readonly pixelElement: Element;
}
