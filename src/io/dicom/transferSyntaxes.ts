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
  /**
   * For a syntax that can lose information: its LossyImageCompressionMethod term, and
   * whether it always does (JPEG baseline, MPEG) or only when the file says so (JPEG 2000,
   * JPEG-LS near-lossless, which may be coded losslessly). null for lossless syntaxes.
   */
  readonly lossy: { readonly method: string; readonly always: boolean } | null;
}

const native = (uid: string, name: string, bigEndian = false): TransferSyntax => ({
  uid, name, encoding: 'native', bigEndian, codec: null, lossy: null,
});
const encapsulated = (uid: string, name: string, codec: FrameCodec | null, lossy: TransferSyntax['lossy'] = null): TransferSyntax => ({
  uid, name, encoding: 'encapsulated', bigEndian: false, codec, lossy,
});
const always = (method: string) => ({ method, always: true });
const maybe = (method: string) => ({ method, always: false });

export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntax>> = Object.fromEntries(
  [
    native('1.2.840.10008.1.2', 'Implicit VR Little Endian'),
    native('1.2.840.10008.1.2.1', 'Explicit VR Little Endian'),
    native('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian'),
    native('1.2.840.10008.1.2.2', 'Explicit VR Big Endian', true),
    encapsulated('1.2.840.10008.1.2.5', 'RLE Lossless', rleCodec),
    encapsulated('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', libjpegTurboCodec, always('ISO_10918_1')),
    encapsulated('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', null, always('ISO_10918_1')),
    encapsulated('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', jpegLosslessCodec),
    encapsulated('1.2.840.10008.1.2.4.70', 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', jpegLosslessCodec),
    encapsulated('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', charlsCodec),
    encapsulated('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', charlsCodec, maybe('ISO_14495_1')),
    encapsulated('1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless Only', openjpegCodec),
    encapsulated('1.2.840.10008.1.2.4.91', 'JPEG 2000', openjpegCodec, maybe('ISO_15444_1')),
    encapsulated('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', null, maybe('ISO_15444_15')),
    encapsulated('1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile @ Main Level', null, always('ISO_13818_2')),
    encapsulated('1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile', null, always('ISO_14496_10')),
    encapsulated('1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', null),
    encapsulated('1.2.840.10008.1.2.4.112', 'JPEG XL', null, maybe('ISO_18181_1')),
  ].map((ts) => [ts.uid, ts]),
);

/** Name of a transfer syntax for messages: "JPEG 2000 (1.2.840.10008.1.2.4.91)". */
export function transferSyntaxLabel(uid: string): string {
  const ts = TRANSFER_SYNTAXES[uid];
  return ts ? `${ts.name} (${uid})` : `unknown transfer syntax ${uid}`;
}
