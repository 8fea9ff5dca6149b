/**
 * The stored samples of one frame of a DicomInstance: native pixel data is read in
 * place (big-endian swapped), encapsulated data goes through the transfer syntax's codec.
 */
import { dicomParser } from './dicomParserLib.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { FrameInfo, FrameSamples } from './codecs/frameInfo.ts';
import type { DicomInstance } from './dicomInstance.ts';
import { transferSyntaxLabel } from './transferSyntaxes.ts';

export function frameInfoOf(inst: DicomInstance): FrameInfo {
  return {
    rows: inst.rows,
    columns: inst.columns,
    bitsAllocated: inst.bitsAllocated,
    bitsStored: inst.bitsStored,
    signed: inst.signed,
    samplesPerPixel: inst.samplesPerPixel,
  };
}

function nativeFrame(inst: DicomInstance, frame: number): FrameSamples {
  const n = inst.rows * inst.columns * inst.samplesPerPixel;
  const bytesPer = inst.bitsAllocated / 8;
  const ds = inst.dataSet;
  const start = inst.pixelElement.dataOffset + frame * n * bytesPer;
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + start, n * bytesPer);
  const little = !inst.transferSyntax.bigEndian;
  if (bytesPer === 1) return new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + start, n).slice();
  if (little) {
    // native little-endian samples: an aligned copy viewed as the sample type (hosts are little endian)
    const copy = new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + start, n * bytesPer).slice();
    return bytesPer === 2 ? new Uint16Array(copy.buffer) : new Uint32Array(copy.buffer);
  }
  if (bytesPer === 2) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, little);
    return out;
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, little);
  return out;
}

function encapsulatedFrameBytes(inst: DicomInstance, frame: number): Uint8Array {
  const el = inst.pixelElement;
  const fragments = el.fragments ?? [];
  const frameCount = inst.frames.length;
  if (frameCount === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(inst.dataSet, el, 0, fragments.length) as Uint8Array;
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0) return dicomParser.readEncapsulatedImageFrame(inst.dataSet, el, frame) as Uint8Array;
  if (fragments.length === frameCount) return dicomParser.readEncapsulatedPixelDataFromFragments(inst.dataSet, el, frame, 1) as Uint8Array;
  throw new FedsegError(
    'DICOM_FRAGMENTS',
    `cannot tell where frame ${frame + 1} starts: ${frameCount} frames in ${fragments.length} fragments and no offset table`,
  );
}

/** Decoded samples of frame `frame` (0-based); throws FedsegError naming the transfer syntax. */
export async function readFrameSamples(inst: DicomInstance, frame: number): Promise<FrameSamples> {
  const ts = inst.transferSyntax;
  if (ts.encoding === 'native') return nativeFrame(inst, frame);
  if (!ts.codec) throw new FedsegError('DICOM_TRANSFER_SYNTAX', `${transferSyntaxLabel(ts.uid)} cannot be decoded`);
  let encoded: Uint8Array;
  try {
    encoded = encapsulatedFrameBytes(inst, frame);
  } catch (err) {
    if (err instanceof FedsegError) throw err;
    throw new FedsegError('DICOM_FRAGMENTS', `the compressed frame ${frame + 1} could not be found (${String(err)})`);
  }
  let samples: FrameSamples;
  try {
    samples = await ts.codec.decode(encoded, frameInfoOf(inst));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FedsegError('DICOM_DECODE', `frame ${frame + 1} (${transferSyntaxLabel(ts.uid)}) could not be decoded: ${why}`);
  }
  const expected = inst.rows * inst.columns * inst.samplesPerPixel;
  if (samples.length < expected) {
    throw new FedsegError(
      'DICOM_DECODE',
      `frame ${frame + 1} (${transferSyntaxLabel(ts.uid)}): expected ${expected} decoded samples, found ${samples.length}`,
    );
  }
  return samples;
}

/**
 * Writes real values (sign-extended from BitsStored, masked, then slope/intercept) of
 * `samples` into `out` starting at `offset`.
 */
export function storeRealValues(
  samples: FrameSamples,
  count: number,
  bitsStored: number,
  signed: boolean,
  slope: number,
  intercept: number,
  out: Float32Array,
  offset: number,
): void {
  const shift = 32 - bitsStored;
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  if (signed) {
    for (let i = 0; i < count; i++) out[offset + i] = ((((samples[i] as number) << shift) >> shift) * slope) + intercept;
  } else if (bitsStored >= 32) {
    for (let i = 0; i < count; i++) out[offset + i] = ((samples[i] as number) >>> 0) * slope + intercept;
  } else {
    for (let i = 0; i < count; i++) out[offset + i] = ((samples[i] as number) & mask) * slope + intercept;
  }
}
