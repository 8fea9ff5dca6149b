/** What a codec needs to know about one frame, and what it gives back. */
export interface FrameInfo {
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** PixelRepresentation 1 */
  readonly signed: boolean;
  readonly samplesPerPixel: number;
}

/** Decoded samples of one frame: rows * columns * samplesPerPixel values, row-major. */
export type FrameSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** A decoder for one family of transfer syntaxes: encoded frame bytes in, samples out. */
export interface FrameCodec {
  /** human-readable name of the implementation, for messages */
  readonly name: string;
  decode(encoded: Uint8Array, info: FrameInfo): Promise<FrameSamples>;
}

/** Views decoded little-endian bytes as samples of the frame's bit depth. */
export function samplesFromBytes(bytes: Uint8Array, bitsPerSample: number, signed: boolean): FrameSamples {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset, byteLength } = copy;
  if (bitsPerSample <= 8) return signed ? new Int8Array(buffer, byteOffset, byteLength) : copy;
  if (bitsPerSample <= 16) {
    const n = byteLength >> 1;
    return signed ? new Int16Array(buffer, byteOffset, n) : new Uint16Array(buffer, byteOffset, n);
  }
  const n = byteLength >> 2;
  return signed ? new Int32Array(buffer, byteOffset, n) : new Uint32Array(buffer, byteOffset, n);
}
