/**
 * Transfer syntaxes fedseg knows, as data keyed by UID: how the pixel data is stored
 * and which codec decodes it. A syntax listed with `codec: null` is recognised (its name
 * goes into the message) but not decoded; an unlisted UID is reported with its UID.
 */
import { rleCodec } from './codecs/decodeRle.ts';
import { jpegLosslessCodec } from './codecs/jpegLosslessCodec.ts';
import { charlsCodec, libjpegTurboCodec, openjpegCodec } from './codecs/wasmCodecs.ts';
import type { FrameCodec } from './codecs/frameInfo.ts';

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  /** native: raw samples in the dataset; encapsulated: fragments decoded by `codec` */
  readonly encoding: 'native' | 'encapsulated';
  readonly bigEndian: boolean;
  /** for encapsulated syntaxes; null when fedseg cannot decode it */
  readonly codec: FrameCodec | null;
}

const native = (uid: string, name: string, bigEndian = false): TransferSyntax => ({
  uid, name, encoding: 'native', bigEndian, codec: null,
});
const encapsulated = (uid: string, name: string, codec: FrameCodec | null): TransferSyntax => ({
  uid, name, encoding: 'encapsulated', bigEndian: false, codec,
});

export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntax>> = Object.fromEntries(
  [
    native('1.2.840.10008.1.2', 'Implicit VR Little Endian'),
    native('1.2.840.10008.1.2.1', 'Explicit VR Little Endian'),
    native('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian'),
    native('1.2.840.10008.1.2.2', 'Explicit VR Big Endian', true),
    encapsulated('1.2.840.10008.1.2.5', 'RLE Lossless', rleCodec),
    encapsulated('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', libjpegTurboCodec),
    encapsulated('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', null),
    encapsulated('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', jpegLosslessCodec),
    encapsulated('1.2.840.10008.1.2.4.70', 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', jpegLosslessCodec),
    encapsulated('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', charlsCodec),
    encapsulated('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', charlsCodec),
    encapsulated('1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless Only', openjpegCodec),
    encapsulated('1.2.840.10008.1.2.4.91', 'JPEG 2000', openjpegCodec),
    encapsulated('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', null),
    encapsulated('1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile @ Main Level', null),
    encapsulated('1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile', null),
    encapsulated('1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.112', 'JPEG XL', null),
  ].map((ts) => [ts.uid, ts]),
);

/** Name of a transfer syntax for messages: "JPEG 2000 (1.2.840.10008.1.2.4.91)". */
export function transferSyntaxLabel(uid: string): string {
  const ts = TRANSFER_SYNTAXES[uid];
  return ts ? `${ts.name} (${uid})` : `unknown transfer syntax ${uid}`;
}
