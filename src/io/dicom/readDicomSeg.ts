/**
 * A BINARY DICOM SEG (as writeDicomSeg makes them) back into a BraTS label volume on the
 * grid of its source series: each frame is put on the slice whose source image it
 * references. Read with dcmjs, the library that the SEG writer uses.
 */
import { FedsegError } from '../../core/util/errors.ts';
import type { DicomSeries } from './dicomSeries.ts';
import { readDicomFile } from './dcmjsLib.ts';
import type { NaturalDataset } from './dcmjsLib.ts';
import { SEGMENT_TERMS } from './segTerms.ts';

export interface SegSegmentInfo {
  readonly number: number;
  readonly label: string;
  readonly algorithmType: string;
  readonly algorithmName: string;
  readonly typeCode: string;
  readonly typeScheme: string;
}

export interface ReadSegResult {
  readonly labels: Uint8Array;
  readonly segments: SegSegmentInfo[];
  readonly dataset: NaturalDataset;
}

const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : v === undefined ? [] : [v as T]);
const first = (v: unknown): NaturalDataset => (asArray<NaturalDataset>(v)[0] ?? {});

export function readDicomSeg(bytes: ArrayBuffer, source: DicomSeries, fileName = 'segmentation.dcm'): ReadSegResult {
  let ds: NaturalDataset;
  try {
    ds = readDicomFile(bytes);
  } catch (err) {
    throw new FedsegError('SEG_UNREADABLE', `${fileName}: expected a DICOM SEG file, could not read it (${String(err)})`);
  }
  const [nx, ny, nz] = source.volume.dims;
  if (ds.Rows !== ny || ds.Columns !== nx) {
    throw new FedsegError('SEG_SIZE', `${fileName}: expected ${nx}x${ny} frames (the source series), found ${String(ds.Columns)}x${String(ds.Rows)}`);
  }
  const segments = asArray<NaturalDataset>(ds.SegmentSequence).map((s) => ({
    number: Number(s.SegmentNumber),
    label: String(s.SegmentLabel ?? ''),
    algorithmType: String(s.SegmentAlgorithmType ?? ''),
    algorithmName: String(s.SegmentAlgorithmName ?? ''),
    typeCode: String(first(s.SegmentedPropertyTypeCodeSequence).CodeValue ?? ''),
    typeScheme: String(first(s.SegmentedPropertyTypeCodeSequence).CodingSchemeDesignator ?? ''),
  }));
  const labelOfSegment = new Map<number, number>();
  for (const s of segments) {
    const terms = SEGMENT_TERMS.find((t) => t.type.CodeValue === s.typeCode);
    if (terms) labelOfSegment.set(s.number, terms.label);
  }
  const sliceOf = new Map(source.sourceUids.map((r, k) => [`${r.sopInstanceUid}#${r.frameNumber}`, k]));
  const pixelBuffers = asArray<ArrayBuffer>(ds.PixelData);
  const pixels = new Uint8Array(pixelBuffers[0] ?? new ArrayBuffer(0));
  const frames = asArray<NaturalDataset>(ds.PerFrameFunctionalGroupsSequence);
  const sliceSize = nx * ny;
  const labels = new Uint8Array(sliceSize * nz);
  frames.forEach((fg, f) => {
    const segment = Number(first(fg.SegmentIdentificationSequence).ReferencedSegmentNumber);
    const label = labelOfSegment.get(segment);
    if (label === undefined) return;
    const image = first(first(fg.DerivationImageSequence).SourceImageSequence);
    const key = `${String(image.ReferencedSOPInstanceUID)}#${Number(image.ReferencedFrameNumber ?? 1)}`;
    const k = sliceOf.get(key);
    if (k === undefined) {
      throw new FedsegError('SEG_REFERENCE', `${fileName}: frame ${f + 1} references image ${key}, which is not in series "${source.description}"`);
    }
    for (let p = 0; p < sliceSize; p++) {
      const bit = f * sliceSize + p;
      if (((pixels[bit >> 3] ?? 0) >> (bit & 7)) & 1) labels[k * sliceSize + p] = label;
    }
  });
  return { labels, segments, dataset: ds };
}
