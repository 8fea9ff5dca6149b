/** JPEG lossless (processes 14 and 14 SV1) through @cornerstonejs/jpeg-lossless-decoder-js. */
import { FedsegError } from '../../../core/util/errors.ts';
import type { FrameCodec, FrameInfo, FrameSamples } from './frameInfo.ts';

let decoderClass: Promise<typeof import('@cornerstonejs/jpeg-lossless-decoder-js').Decoder> | undefined;

export const jpegLosslessCodec: FrameCodec = {
  name: 'JPEG lossless decoder (jpeg-lossless-decoder-js)',
  async decode(encoded: Uint8Array, info: FrameInfo): Promise<FrameSamples> {
    decoderClass ??= import('@cornerstonejs/jpeg-lossless-decoder-js').then((m) => m.Decoder);
    const Decoder = await decoderClass;
    const bytesOut = info.bitsAllocated <= 8 ? 1 : 2;
    let out: Uint8Array | Uint16Array;
    try {
      const copy = encoded.slice();
      out = new Decoder().decode(copy.buffer, 0, copy.length, bytesOut);
    } catch (err) {
      throw new FedsegError('DICOM_DECODE', `JPEG lossless decoder could not decode the frame: ${String(err)}`);
    }
    if (bytesOut === 1) return info.signed ? new Int8Array(out.buffer, out.byteOffset, out.length) : new Uint8Array(out.buffer, out.byteOffset, out.length);
    return info.signed ? new Int16Array(out.buffer, out.byteOffset, out.length) : new Uint16Array(out.buffer, out.byteOffset, out.length);
  },
};
