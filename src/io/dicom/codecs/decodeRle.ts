/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count, then 15 segment
 * offsets, little endian), then one PackBits-coded segment per byte plane: for each
 * sample, its most significant byte plane first.
 */
import { FedsegError } from '../../../core/util/errors.ts';
import { samplesFromBytes } from './frameInfo.ts';
import type { FrameCodec, FrameInfo, FrameSamples } from './frameInfo.ts';

export function decodeRle(encoded: Uint8Array, info: FrameInfo): FrameSamples {
  const bytesPerSample = Math.ceil(info.bitsAllocated / 8);
  const spp = info.samplesPerPixel;
  const pixels = info.rows * info.columns;
  const expectedSegments = spp * bytesPerSample;
  if (encoded.length < 64) {
    throw new FedsegError('DICOM_RLE', `RLE frame: expected a 64-byte header, found ${encoded.length} bytes`);
  }
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== expectedSegments) {
    throw new FedsegError(
      'DICOM_RLE',
      `RLE frame: expected ${expectedSegments} segments (${spp} sample(s) of ${bytesPerSample} byte(s)), found ${segments}`,
    );
  }
  const out = new Uint8Array(pixels * spp * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || end > encoded.length || end < start) {
      throw new FedsegError('DICOM_RLE', `RLE frame: segment ${s + 1} lies outside the frame (bytes ${start}..${end} of ${encoded.length})`);
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // MSB plane first; output is little endian
    const stride = spp * bytesPerSample;
    let o = sample * bytesPerSample + byteInSample;
    const oEnd = out.length;
    let i = start;
    while (i < end && o < oEnd) {
      const n = (encoded[i++] as number) << 24 >> 24; // signed byte
      if (n >= 0) {
        for (let c = 0; c <= n && i < end && o < oEnd; c++, o += stride) out[o] = encoded[i++] as number;
      } else if (n !== -128) {
        const v = encoded[i++] as number;
        for (let c = 0; c <= -n && o < oEnd; c++, o += stride) out[o] = v;
      }
    }
  }
  return samplesFromBytes(out, info.bitsAllocated, info.signed);
}

export const rleCodec: FrameCodec = {
  name: 'RLE (fedseg)',
  decode: (encoded, info) => Promise.resolve(decodeRle(encoded, info)),
};
