/**
 * Small DICOM files made with dcmjs, for tests: a classic single-frame MR series or one
 * enhanced multi-frame MR object, with known geometry and stored values.
 */
import type { SourceFile } from '../../sourceFile.ts';
import type { Vec3 } from '../../../core/types/volume.ts';
import { writeDicomFile } from '../dcmjsLib.ts';
import type { NaturalDataset } from '../dcmjsLib.ts';

export interface SyntheticSeriesOptions {
  readonly dims: readonly [number, number, number];
  /** [between rows, between columns] */
  readonly pixelSpacing?: readonly [number, number];
  readonly sliceSpacing?: number;
  /** row direction then column direction (LPS) */
  readonly orientation?: readonly number[];
  /** LPS position of the first voxel of slice 0 */
  readonly origin?: Vec3;
  readonly studyUid?: string;
  readonly seriesUid?: string;
  readonly description?: string;
  readonly seriesNumber?: number;
  readonly bitsStored?: number;
  readonly signed?: boolean;
  readonly slope?: number;
  readonly intercept?: number;
  /** stored value of voxel (i, j, k); default a gradient */
  readonly value?: (i: number, j: number, k: number) => number;
  /** slice indices to leave out (to make gaps) */
  readonly omit?: readonly number[];
  /** folder part of the file names */
  readonly folder?: string;
  readonly transferSyntaxUid?: string;
  /** EchoNumbers written into every file */
  readonly echo?: number;
  /** LPS mm added to the position of slice k (to move slices off the stack's line) */
  readonly shift?: (k: number) => Vec3;
  /** attributes written into every file over the defaults (e.g. SpecificCharacterSet, PatientName) */
  readonly attributes?: NaturalDataset;
}

let uidCounter = 0;
/** A fresh UID under the 2.25 root (deterministic within a process). */
export function testUid(): string {
  uidCounter += 1;
  return `2.25.${1000000 + uidCounter}${Math.floor(1e6 + Math.random() * 8e6)}`;
}

const cross = (a: readonly number[], b: readonly number[]): Vec3 => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];

interface Resolved {
  nx: number; ny: number; nz: number; ps: readonly [number, number]; dz: number;
  iop: readonly number[]; origin: Vec3; normal: Vec3; bitsStored: number; signed: boolean;
  value: (i: number, j: number, k: number) => number;
}

function resolve(o: SyntheticSeriesOptions): Resolved {
  const iop = o.orientation ?? [1, 0, 0, 0, 1, 0];
  return {
    nx: o.dims[0], ny: o.dims[1], nz: o.dims[2],
    ps: o.pixelSpacing ?? [1, 1], dz: o.sliceSpacing ?? 2,
    iop, origin: o.origin ?? [-10, -20, 30], normal: cross(iop.slice(0, 3), iop.slice(3, 6)),
    bitsStored: o.bitsStored ?? 16, signed: o.signed ?? true,
    value: o.value ?? ((i, j, k) => i + 10 * j + 100 * k),
  };
}

/** decimal strings (DS) must fit 16 characters */
const decimal = (v: number) => Number(v.toPrecision(10));

function positionOf(r: Resolved, k: number, shift?: (k: number) => Vec3): number[] {
  const d = shift?.(k) ?? [0, 0, 0];
  return [0, 1, 2].map((a) => decimal(r.origin[a]! + r.normal[a]! * r.dz * k + d[a]!));
}

function framePixels(r: Resolved, k: number): ArrayBuffer {
  const px = r.signed ? new Int16Array(r.nx * r.ny) : new Uint16Array(r.nx * r.ny);
  for (let j = 0; j < r.ny; j++) for (let i = 0; i < r.nx; i++) px[i + r.nx * j] = r.value(i, j, k);
  return px.buffer;
}

function common(o: SyntheticSeriesOptions, r: Resolved, studyUid: string, seriesUid: string): NaturalDataset {
  return {
    PatientName: 'Test^Phantom', PatientID: 'FEDSEG-TEST', PatientBirthDate: '', PatientSex: 'O',
    StudyInstanceUID: studyUid, SeriesInstanceUID: seriesUid, StudyDate: '20260101', StudyTime: '120000',
    StudyID: '1', AccessionNumber: '', ReferringPhysicianName: '', Manufacturer: 'fedseg',
    Modality: 'MR', SeriesDescription: o.description ?? 'T1 AX', SeriesNumber: o.seriesNumber ?? 1,
    FrameOfReferenceUID: `${studyUid}.1`,
    Rows: r.ny, Columns: r.nx, BitsAllocated: 16, BitsStored: r.bitsStored, HighBit: r.bitsStored - 1,
    PixelRepresentation: r.signed ? 1 : 0, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
    ...o.attributes,
  };
}

/** A classic MR series: one file per slice, in shuffled file order. */
export function syntheticDicomSeries(o: SyntheticSeriesOptions): SourceFile[] {
  const r = resolve(o);
  const studyUid = o.studyUid ?? testUid();
  const seriesUid = o.seriesUid ?? testUid();
  const files: SourceFile[] = [];
  for (let k = 0; k < r.nz; k++) {
    if (o.omit?.includes(k)) continue;
    const ds: NaturalDataset = {
      ...common(o, r, studyUid, seriesUid),
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.4', SOPInstanceUID: testUid(),
      InstanceNumber: r.nz - k, // deliberately reversed: readers must not sort by it
      ImagePositionPatient: positionOf(r, k, o.shift), ImageOrientationPatient: r.iop.map(decimal),
      PixelSpacing: [...r.ps], SliceThickness: +(r.dz * 0.7).toFixed(4), // deliberately not the spacing
      RescaleSlope: o.slope ?? 1, RescaleIntercept: o.intercept ?? 0,
      ...(o.echo !== undefined ? { EchoNumbers: o.echo } : {}),
      PixelData: framePixels(r, k), _vrMap: { PixelData: 'OW' },
    };
    files.push({ name: `${o.folder ?? 'series'}/slice_${String((k * 7) % r.nz).padStart(3, '0')}_${k}.dcm`, bytes: writeDicomFile(ds, o.transferSyntaxUid) });
  }
  return files.reverse();
}

/** One enhanced MR object (per-frame functional groups), frames stored in reverse slice order. */
export function syntheticEnhancedDicom(o: SyntheticSeriesOptions): SourceFile {
  const r = resolve(o);
  const studyUid = o.studyUid ?? testUid();
  const seriesUid = o.seriesUid ?? testUid();
  const order = Array.from({ length: r.nz }, (_, k) => r.nz - 1 - k);
  const pixels = new Uint8Array(r.nx * r.ny * 2 * r.nz);
  order.forEach((k, f) => pixels.set(new Uint8Array(framePixels(r, k)), f * r.nx * r.ny * 2));
  const ds: NaturalDataset = {
    ...common(o, r, studyUid, seriesUid),
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.4.1', SOPInstanceUID: testUid(),
    NumberOfFrames: r.nz, ImageType: ['ORIGINAL', 'PRIMARY', 'M', 'NONE'],
    SharedFunctionalGroupsSequence: [{
      PlaneOrientationSequence: [{ ImageOrientationPatient: r.iop.map(decimal) }],
      PixelMeasuresSequence: [{ PixelSpacing: [...r.ps], SliceThickness: r.dz, SpacingBetweenSlices: r.dz }],
      PixelValueTransformationSequence: [{ RescaleSlope: o.slope ?? 1, RescaleIntercept: o.intercept ?? 0, RescaleType: 'US' }],
    }],
    PerFrameFunctionalGroupsSequence: order.map((k) => ({
      PlanePositionSequence: [{ ImagePositionPatient: positionOf(r, k, o.shift) }],
      FrameContentSequence: [{ InStackPositionNumber: k + 1 }],
    })),
    PixelData: pixels.buffer, _vrMap: { PixelData: 'OW' },
  };
  return { name: `${o.folder ?? 'enhanced'}/enhanced.dcm`, bytes: writeDicomFile(ds, o.transferSyntaxUid) };
}

/**
 * The file with every occurrence of `placeholder` (ASCII, as dcmjs wrote it) replaced by
 * `bytes` of the same length: text in a character set dcmjs does not write (it writes UTF-8).
 */
export function withRawText(file: SourceFile, placeholder: string, bytes: Uint8Array): SourceFile {
  if (bytes.length !== placeholder.length) throw new Error(`withRawText: ${bytes.length} bytes for a ${placeholder.length}-character placeholder`);
  const out = new Uint8Array(file.bytes.slice(0));
  const want = Array.from(placeholder, (c) => c.charCodeAt(0));
  let found = 0;
  for (let i = 0; i + want.length <= out.length; i++) {
    if (want.every((b, j) => out[i + j] === b)) {
      out.set(bytes, i);
      found++;
    }
  }
  if (found === 0) throw new Error(`withRawText: "${placeholder}" is not in ${file.name}`);
  return { name: file.name, bytes: out.buffer };
}
