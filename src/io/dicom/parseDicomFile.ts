/**
 * One file's bytes -> a DicomInstance (metadata, per-frame geometry, where the pixels
 * are) or a FileProblem saying why the file cannot be used. Never throws.
 */
import { dicomParser } from './dicomParserLib.ts';
import type { DataSet, Element } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { baseName, fileProblem } from '../sourceFile.ts';
import type { FileProblem, SourceFile } from '../sourceFile.ts';
import { datasetTextDecoding, readText } from './characterSets.ts';
import { NON_IMAGE_SOP_CLASSES, TAG } from './dicomTags.ts';
import { TRANSFER_SYNTAXES, transferSyntaxLabel, type TransferSyntax } from './transferSyntaxes.ts';
import type { DicomInstance, FrameGeometry } from './dicomInstance.ts';
import type { Vec3 } from '../../core/types/volume.ts';

export type ParsedDicom = { readonly instance: DicomInstance } | { readonly problem: FileProblem };

/** True when the bytes carry the Part 10 "DICM" marker at offset 128. */
export function hasDicmPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** dicom-parser calls this for deflated datasets; it wants the whole file back, inflated. */
function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position));
  out.set(inflated, position);
  return out;
}

function parseDataSet(bytes: Uint8Array): DataSet {
  const options = { inflater: inflater as unknown as (arr: Uint8Array, position: number) => void };
  if (hasDicmPreamble(bytes)) return dicomParser.parseDicom(bytes, options);
  // Some older files have no preamble: a bare implicit-VR little-endian dataset.
  return dicomParser.parseDicom(bytes, { ...options, TransferSyntaxUID: '1.2.840.10008.1.2' });
}

function str(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

function numbers(ds: DataSet, tag: string, count: number): number[] | null {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return null;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

/** The first item of sequence `seqTag` inside `ds`, if any. */
function firstItem(ds: DataSet | undefined, seqTag: string): DataSet | undefined {
  return ds?.elements[seqTag]?.items?.[0]?.dataSet;
}

/** Looks an attribute up in a frame's functional group, then in the shared groups. */
function groupValue<T>(perFrame: DataSet | undefined, shared: DataSet | undefined, seq: string, read: (d: DataSet) => T | null): T | null {
  for (const g of [perFrame, shared]) {
    const item = firstItem(g, seq);
    if (item) {
      const v = read(item);
      if (v !== null) return v;
    }
  }
  return null;
}

function orientationOf(ds: DataSet): number[] | null {
  const o = numbers(ds, TAG.ImageOrientationPatient, 6);
  if (!o) return null;
  const r = Math.hypot(o[0]!, o[1]!, o[2]!);
  const c = Math.hypot(o[3]!, o[4]!, o[5]!);
  return r > 0.5 && c > 0.5 ? o : null;
}

function positionOf(ds: DataSet): Vec3 | null {
  const p = numbers(ds, TAG.ImagePositionPatient, 3);
  return p ? [p[0]!, p[1]!, p[2]!] : null;
}

function spacingOf(ds: DataSet): [number, number] | null {
  const s = numbers(ds, TAG.PixelSpacing, 2);
  return s && s[0]! > 0 && s[1]! > 0 ? [s[0]!, s[1]!] : null;
}

function rescaleOf(ds: DataSet): [number, number] | null {
  const slope = ds.floatString(TAG.RescaleSlope);
  const intercept = ds.floatString(TAG.RescaleIntercept);
  if (slope === undefined && intercept === undefined) return null;
  const s = slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1;
  const i = intercept !== undefined && Number.isFinite(intercept) ? intercept : 0;
  return [s, i];
}

function frameGeometries(ds: DataSet, frameCount: number): { frames: FrameGeometry[]; enhanced: boolean } {
  const shared = firstItem(ds, TAG.SharedFunctionalGroupsSequence);
  const perFrameItems = ds.elements[TAG.PerFrameFunctionalGroupsSequence]?.items;
  const enhanced = shared !== undefined || perFrameItems !== undefined;
  const topRescale = rescaleOf(ds) ?? [1, 0];
  const frames: FrameGeometry[] = [];
  for (let f = 0; f < frameCount; f++) {
    if (enhanced) {
      const pf = perFrameItems?.[f]?.dataSet;
      const rescale = groupValue(pf, shared, TAG.PixelValueTransformationSequence, rescaleOf) ?? topRescale;
      frames.push({
        position: groupValue(pf, shared, TAG.PlanePositionSequence, positionOf) ?? (f === 0 ? positionOf(ds) : null),
        orientation: groupValue(pf, shared, TAG.PlaneOrientationSequence, orientationOf) ?? orientationOf(ds),
        pixelSpacing: groupValue(pf, shared, TAG.PixelMeasuresSequence, spacingOf) ?? spacingOf(ds),
        slope: rescale[0],
        intercept: rescale[1],
      });
    } else {
      frames.push({
        position: f === 0 ? positionOf(ds) : null,
        orientation: orientationOf(ds),
        pixelSpacing: spacingOf(ds),
        slope: topRescale[0],
        intercept: topRescale[1],
      });
    }
  }
  return { frames, enhanced };
}

function enhancedSliceThickness(ds: DataSet, tag: string): number | undefined {
  const shared = firstItem(ds, TAG.SharedFunctionalGroupsSequence);
  const pm = firstItem(shared, TAG.PixelMeasuresSequence);
  return pm?.floatString(tag) ?? ds.floatString(tag);
}

/** When a partly read dataset already says how big the image is, a message saying the file was cut short. */
function truncationMessage(partial: DataSet, size: number): string | undefined {
  try {
    const rows = partial.uint16(TAG.Rows);
    const cols = partial.uint16(TAG.Columns);
    if (!rows || !cols) return undefined;
    const bits = partial.uint16(TAG.BitsAllocated) ?? 16;
    const need = rows * cols * Math.ceil(bits / 8) * Math.max(1, partial.intString(TAG.NumberOfFrames) ?? 1);
    return `the file ends after ${size} bytes, inside or before the pixel data; expected ${need} bytes of pixel data (${cols}x${rows}, ${bits} bits), found the file cut short`;
  } catch {
    return undefined;
  }
}

/** Parses one file. `name` goes into every message. */
export function parseDicomFile(file: SourceFile): ParsedDicom {
  const name = file.name;
  const short = baseName(name);
  const bytes = new Uint8Array(file.bytes);
  const fail = (code: string, message: string): ParsedDicom => ({ problem: fileProblem(name, code, `${short}: ${message}`) });
  if (bytes.length === 0) return fail('DICOM_EMPTY', 'the file is empty (0 bytes); expected a DICOM file');
  let ds: DataSet;
  try {
    ds = parseDataSet(bytes);
  } catch (thrown) {
    // dicom-parser throws { exception, dataSet } with what it read before failing
    const partial = (thrown as { dataSet?: DataSet } | null)?.dataSet;
    const err = (thrown as { exception?: unknown } | null)?.exception ?? thrown;
    const why = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
    const truncated = partial ? truncationMessage(partial, bytes.length) : undefined;
    if (truncated) return fail('DICOM_TRUNCATED', truncated);
    if (!hasDicmPreamble(bytes)) {
      return fail('DICOM_NOT_DICOM', `expected a DICOM file (the "DICM" marker at byte 128, or a bare DICOM dataset), found neither (${bytes.length} bytes)`);
    }
    if (/deflat|inflat|invalid (block|distance|length)|unexpected EOF/i.test(why)) {
      return fail('DICOM_DEFLATE', `the deflated dataset could not be inflated (${why}); the file is probably damaged or truncated`);
    }
    return fail('DICOM_TRUNCATED', `the DICOM dataset could not be read (${why}); the file is probably truncated or damaged`);
  }
  try {
    return interpret(ds, name, bytes.length, fail);
  } catch (err) {
    const why = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
    return fail('DICOM_UNREADABLE', `the DICOM attributes could not be read (${why}); the file is probably damaged`);
  }
}

function interpret(
  ds: DataSet,
  name: string,
  size: number,
  fail: (code: string, message: string) => ParsedDicom,
): ParsedDicom {
  const sopClassUid = str(ds, TAG.SOPClassUID) || str(ds, TAG.MediaStorageSOPClassUID);
  const nonImage = NON_IMAGE_SOP_CLASSES[sopClassUid];
  const pixelElement: Element | undefined = ds.elements[TAG.PixelData];
  if (!pixelElement) {
    if (ds.elements[TAG.FloatPixelData]) return fail('DICOM_FLOAT_PIXELS', 'float pixel data (7FE0,0008) is not supported; expected integer Pixel Data (7FE0,0010)');
    if (!hasDicmPreamble(new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset, Math.min(132, ds.byteArray.length))) && !sopClassUid) {
      return fail('DICOM_NOT_DICOM', `expected a DICOM file (the "DICM" marker at byte 128, or a bare DICOM dataset), found neither (${size} bytes)`);
    }
    const what = nonImage ? `a ${nonImage}` : `a DICOM object without pixel data (SOP class ${sopClassUid || 'not given'}, modality ${str(ds, TAG.Modality) || 'not given'})`;
    return fail('DICOM_NO_PIXELS', `expected an image, found ${what}`);
  }
  if (nonImage) return fail('DICOM_NOT_IMAGE', `expected an MR image, found a ${nonImage}`);
  const tsUid = (str(ds, TAG.TransferSyntaxUID) || '1.2.840.10008.1.2').replace(/\0/g, '');
  const ts = TRANSFER_SYNTAXES[tsUid];
  if (!ts) return fail('DICOM_TRANSFER_SYNTAX', `${transferSyntaxLabel(tsUid)} is not supported; supported: ${supportedList()}`);
  if (ts.encoding === 'encapsulated' && !ts.codec) {
    return fail('DICOM_TRANSFER_SYNTAX', `the images are compressed as ${transferSyntaxLabel(tsUid)}, which fedseg cannot decode; supported: ${supportedList()}`);
  }
  const rows = ds.uint16(TAG.Rows) ?? 0;
  const columns = ds.uint16(TAG.Columns) ?? 0;
  if (rows === 0 || columns === 0) return fail('DICOM_NO_DIMENSIONS', `expected Rows and Columns above 0, found ${rows} x ${columns}`);
  const bitsAllocated = ds.uint16(TAG.BitsAllocated) ?? 0;
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    return fail('DICOM_BITS', `expected 8, 16 or 32 Bits Allocated, found ${bitsAllocated || 'none'}`);
  }
  let bitsStored = ds.uint16(TAG.BitsStored) ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) bitsStored = bitsAllocated;
  const samplesPerPixel = ds.uint16(TAG.SamplesPerPixel) ?? 1;
  const photometric = str(ds, TAG.PhotometricInterpretation) || 'MONOCHROME2';
  if (samplesPerPixel !== 1 || !photometric.startsWith('MONOCHROME')) {
    return fail('DICOM_COLOUR', `expected a greyscale image (MONOCHROME1/2, 1 sample per pixel), found ${photometric} with ${samplesPerPixel} samples per pixel`);
  }
  const frameCount = Math.max(1, ds.intString(TAG.NumberOfFrames) ?? 1);
  if (ts.encoding === 'native') {
    const need = rows * columns * (bitsAllocated / 8) * frameCount;
    if (pixelElement.encapsulatedPixelData) return fail('DICOM_PIXELS', `the transfer syntax says ${ts.name} but the pixel data is encapsulated`);
    if (pixelElement.length < need || pixelElement.dataOffset + need > ds.byteArray.length) {
      const have = Math.max(0, Math.min(pixelElement.length, ds.byteArray.length - pixelElement.dataOffset));
      return fail('DICOM_TRUNCATED', `expected ${need} bytes of pixel data (${frameCount} frame(s) of ${columns}x${rows}, ${bitsAllocated} bits), found ${have}; the file is probably truncated`);
    }
  } else if (!pixelElement.encapsulatedPixelData || !pixelElement.fragments || pixelElement.fragments.length === 0) {
    return fail('DICOM_PIXELS', `expected compressed (encapsulated) pixel data for ${transferSyntaxLabel(tsUid)}, found none`);
  } else if (frameCount > pixelElement.fragments.length) {
    return fail('DICOM_PIXELS', `expected at least one compressed fragment per frame (${frameCount} frames), found ${pixelElement.fragments.length} fragment(s)`);
  }
  const { frames, enhanced } = frameGeometries(ds, frameCount);
  const seriesNumber = ds.intString(TAG.SeriesNumber);
  const echoNumber = ds.intString(TAG.EchoNumbers);
  const text = datasetTextDecoding(ds);
  const instance: DicomInstance = {
    file: name,
    sopClassUid,
    sopInstanceUid: str(ds, TAG.SOPInstanceUID),
    studyInstanceUid: str(ds, TAG.StudyInstanceUID),
    seriesInstanceUid: str(ds, TAG.SeriesInstanceUID),
    frameOfReferenceUid: str(ds, TAG.FrameOfReferenceUID),
    seriesDescription: readText(ds, TAG.SeriesDescription, text),
    protocolName: readText(ds, TAG.ProtocolName, text),
    modality: str(ds, TAG.Modality),
    seriesNumber: seriesNumber !== undefined && Number.isFinite(seriesNumber) ? seriesNumber : undefined,
    echoNumber: echoNumber !== undefined && Number.isFinite(echoNumber) ? echoNumber : undefined,
    transferSyntax: ts,
    lossyCompression: lossyHistory(ds, ts, pixelElement, rows * columns * (bitsAllocated / 8) * frameCount),
    rows,
    columns,
    bitsAllocated,
    bitsStored,
    signed: (ds.uint16(TAG.PixelRepresentation) ?? 0) === 1,
    samplesPerPixel,
    photometric,
    sliceThickness: enhanced ? enhancedSliceThickness(ds, TAG.SliceThickness) : ds.floatString(TAG.SliceThickness),
    spacingBetweenSlices: enhanced ? enhancedSliceThickness(ds, TAG.SpacingBetweenSlices) : ds.floatString(TAG.SpacingBetweenSlices),
    frames,
    enhanced,
    dataSet: ds,
    pixelElement,
  };
  return { instance };
}

/**
 * Whether the pixels were ever lossy compressed, and how (see DicomInstance.lossyCompression).
 * A method's ratio is the file's LossyImageCompressionRatio value beside it; for the
 * compression its pixels still carry, when the file gives none, their size over the
 * compressed fragments' size.
 */
function lossyHistory(ds: DataSet, ts: TransferSyntax, pixels: Element, uncompressedBytes: number): DicomInstance['lossyCompression'] {
  const said = str(ds, TAG.LossyImageCompression);
  if (said !== '01' && !ts.lossy?.always && !(ts.lossy && said === '')) return null;
  const list = (tag: string) => (ds.string(tag) ?? '').split('\\').map((m) => m.trim());
  const methods = list(TAG.LossyImageCompressionMethod).filter(Boolean);
  const ratios = list(TAG.LossyImageCompressionRatio).map((r) => (r === '' ? undefined : Number(r))).map((r) => (r !== undefined && Number.isFinite(r) && r > 0 ? r : undefined));
  if (methods.length === 0 && ts.lossy) methods.push(ts.lossy.method);
  const compressed = (pixels.fragments ?? []).reduce((sum, f) => sum + f.length, 0);
  return {
    steps: methods.map((method, i) => ({
      method,
      ratio: ratios[i] ?? (method === ts.lossy?.method && compressed > 0 ? uncompressedBytes / compressed : undefined),
    })),
  };
}

function supportedList(): string {
  return Object.values(TRANSFER_SYNTAXES)
    .filter((t) => t.encoding === 'native' || t.codec)
    .map((t) => t.name)
    .join(', ');
}
