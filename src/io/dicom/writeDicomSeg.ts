/**
 * A predicted label volume -> one DICOM Segmentation object (BINARY, AUTOMATIC,
 * algorithm "fedseg 3D U-Net") on the grid of the DICOM series it was predicted from.
 * It references the source series (ReferencedSeriesSequence) and, per frame, the
 * source image the frame lies on (DerivationImageSequence / SourceImageSequence).
 * Segments: necrotic core (label 1), oedema (2), enhancing tumour (4; 3 read as 4).
 * Empty frames are left out; a segment with no voxels keeps one empty frame.
 */
import { lossyAttributes, mergeLossyHistories } from './lossyHistory.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { voxelCount } from '../../core/types/volume.ts';
import type { DicomSeries } from './dicomSeries.ts';
import { writeDicomFile } from './dcmjsLib.ts';
import type { NaturalDataset } from './dcmjsLib.ts';
import { SEG_ALGORITHM_NAME, SEGMENT_TERMS } from './segTerms.ts';
import { newUid } from './newUid.ts';

export const SEGMENTATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

export interface WriteSegOptions {
  readonly seriesDescription?: string;
  readonly seriesNumber?: number;
  readonly softwareVersion?: string;
  /** time stamp for ContentDate/Time and SeriesDate/Time (default: now) */
  readonly now?: Date;
  /** hash of the model that predicted the mask: its first 16 digits go into ContentDescription */
  readonly modelHash?: string;
  /** the other series the mask was predicted from (the case's other sequences): their lossy compression counts too */
  readonly alsoDerivedFrom?: readonly DicomSeries[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** a decimal string (DS) value that fits DICOM's 16 characters */
const decimal = (v: number) => Number(v.toPrecision(9));
const dicomDate = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const dicomTime = (d: Date) => `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;

/** LPS geometry of slice k from the series' RAS affine. */
function sliceGeometry(series: DicomSeries) {
  const a = series.volume.affine;
  const col = (c: number) => [-a[c]!, -a[4 + c]!, a[8 + c]!]; // RAS -> LPS
  const unit = (v: number[]) => {
    const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
    return v.map((x) => x / n);
  };
  const [si, sj, sk] = series.volume.spacing;
  return {
    orientation: [...unit(col(0)), ...unit(col(1))],
    pixelSpacing: [decimal(sj), decimal(si)],
    sliceSpacing: decimal(sk),
    position: (k: number) => {
      const o = col(3);
      const dk = col(2);
      return [0, 1, 2].map((r) => decimal(o[r]! + k * dk[r]!));
    },
  };
}

export function writeDicomSeg(labels: Uint8Array, source: DicomSeries, opts: WriteSegOptions = {}): ArrayBuffer {
  const dims = source.volume.dims;
  const [nx, ny, nz] = dims;
  if (labels.length !== voxelCount(dims)) {
    throw new FedsegError('SEG_SIZE', `DICOM SEG: expected ${voxelCount(dims)} labels (${dims.join('x')}, the grid of series "${source.description}"), found ${labels.length}`);
  }
  if (!source.seriesInstanceUid) {
    throw new FedsegError('SEG_SOURCE', `DICOM SEG: expected the source series "${source.description}" to have a SeriesInstanceUID to reference, found its files have none; export the mask as NIfTI instead`);
  }
  if (source.sourceUids.length !== nz) {
    throw new FedsegError('SEG_SOURCE', `DICOM SEG: expected one source image per slice (${nz}), found ${source.sourceUids.length}`);
  }
  const sliceSize = nx * ny;
  const now = opts.now ?? new Date();
  const geometry = sliceGeometry(source);
  // frames: (segment, slice) pairs holding voxels
  const frames: { segment: number; k: number }[] = [];
  SEGMENT_TERMS.forEach((terms, s) => {
    const before = frames.length;
    for (let k = 0; k < nz; k++) {
      const slice = labels.subarray(k * sliceSize, (k + 1) * sliceSize);
      if (slice.some((v) => (v === 3 ? 4 : v) === terms.label)) frames.push({ segment: s + 1, k });
    }
    if (frames.length === before) frames.push({ segment: s + 1, k: 0 });
  });
  const packed = new Uint8Array(Math.ceil((frames.length * sliceSize) / 8));
  frames.forEach(({ segment, k }, f) => {
    const label = SEGMENT_TERMS[segment - 1]!.label;
    const base = f * sliceSize;
    for (let p = 0; p < sliceSize; p++) {
      const v = labels[k * sliceSize + p]!;
      if ((v === 3 ? 4 : v) === label) {
        const bit = base + p;
        packed[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  });
  const study = source.study;
  const lossy = mergeLossyHistories([source, ...(opts.alsoDerivedFrom ?? [])].map((s) => s.lossyCompression));
  const dimensionOrganizationUid = newUid();
  const seriesUid = newUid();
  const sopUid = newUid();
  const uniqueSources = [...new Map(source.sourceUids.map((r) => [r.sopInstanceUid, r])).values()];
  const ds: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SEGMENTATION_SOP_CLASS,
    SOPInstanceUID: sopUid,
    // patient and study: copied from the source so the SEG files with its study
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    StudyInstanceUID: source.studyInstanceUid,
    StudyDate: study.studyDate,
    StudyTime: study.studyTime,
    StudyID: study.studyId,
    AccessionNumber: study.accessionNumber,
    ReferringPhysicianName: study.referringPhysicianName,
    StudyDescription: study.studyDescription,
    // series, equipment, frame of reference
    Modality: 'SEG',
    SeriesInstanceUID: seriesUid,
    SeriesNumber: opts.seriesNumber ?? 9901,
    SeriesDescription: opts.seriesDescription ?? `fedseg tumour segmentation of ${source.description || 'series'}`,
    SeriesDate: dicomDate(now),
    SeriesTime: dicomTime(now),
    FrameOfReferenceUID: source.frameOfReferenceUid || newUid(),
    PositionReferenceIndicator: '',
    Manufacturer: 'fedseg',
    ManufacturerModelName: SEG_ALGORITHM_NAME,
    DeviceSerialNumber: '1',
    SoftwareVersions: opts.softwareVersion ?? '0.1.0',
    // image
    InstanceNumber: 1,
    ContentDate: dicomDate(now),
    ContentTime: dicomTime(now),
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'TUMOUR',
    // LO: at most 64 characters
    ContentDescription: opts.modelHash ? `BraTS labels 1, 2, 4 by global model ${opts.modelHash.slice(0, 16)}` : 'Brain tumour sub-regions (BraTS labels 1, 2, 4)',
    // Type 2, a person's name: the algorithm is named in each segment, the reader is unknown
    ContentCreatorName: '',
    SegmentationType: 'BINARY',
    // once lossy, always lossy (PS3.3 C.7.6.1.1.5): a mask drawn on lossy images says so
    LossyImageCompression: lossy ? '01' : '00',
    // Method and Ratio are 1C when lossy (PS3.3 C.8.20.2)
    ...(lossy ? lossyAttributes(lossy) : {}),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    NumberOfFrames: frames.length,
    SegmentSequence: SEGMENT_TERMS.map((t, s) => ({
      SegmentNumber: s + 1,
      SegmentLabel: t.segmentLabel,
      SegmentDescription: `BraTS label ${t.label}`,
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: SEG_ALGORITHM_NAME,
      SegmentedPropertyCategoryCodeSequence: [{ ...t.category }],
      SegmentedPropertyTypeCodeSequence: [{ ...t.type }],
      RecommendedDisplayCIELabValue: [...t.cielab],
    })),
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SharedFunctionalGroupsSequence: [{
      PlaneOrientationSequence: [{ ImageOrientationPatient: geometry.orientation.map(decimal) }],
      PixelMeasuresSequence: [{ PixelSpacing: geometry.pixelSpacing, SliceThickness: geometry.sliceSpacing, SpacingBetweenSlices: geometry.sliceSpacing }],
    }],
    PerFrameFunctionalGroupsSequence: frames.map(({ segment, k }) => {
      const src = source.sourceUids[k]!;
      const image: NaturalDataset = {
        ReferencedSOPClassUID: src.sopClassUid,
        ReferencedSOPInstanceUID: src.sopInstanceUid,
        PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }],
      };
      if (src.frameNumber > 1 || uniqueSources.length < source.sourceUids.length) image.ReferencedFrameNumber = src.frameNumber;
      return {
        DerivationImageSequence: [{
          SourceImageSequence: [image],
          DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
        }],
        FrameContentSequence: [{ DimensionIndexValues: [segment, k + 1] }],
        PlanePositionSequence: [{ ImagePositionPatient: geometry.position(k) }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: segment }],
      };
    }),
    ReferencedSeriesSequence: [{
      SeriesInstanceUID: source.seriesInstanceUid,
      ReferencedInstanceSequence: uniqueSources.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })),
    }],
    PixelData: packed.buffer,
    _vrMap: { PixelData: 'OB' },
  };
  return writeDicomFile(ds);
}
