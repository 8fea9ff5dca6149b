/**
 * The frame shared by fedseg's binary blobs: 4-byte magic, a version byte, 3 zero bytes,
 * a little-endian uint32 header length, a UTF-8 JSON header, zero padding to a multiple of
 * 4 bytes, then the body. Readers check every field and the sizes before they parse.
 */
import { FedsegError } from '../util/errors.ts';
import { utf8Decode, utf8Encode } from './utf8.ts';

export const FRAME_PREFIX_BYTES = 12;

export function writeFrame(magic: string, version: number, header: unknown, body: Uint8Array): Uint8Array {
  const headerBytes = utf8Encode(JSON.stringify(header));
  const bodyOffset = align4(FRAME_PREFIX_BYTES + headerBytes.length);
  const out = new Uint8Array(bodyOffset + body.length);
  for (let i = 0; i < 4; i++) out[i] = magic.charCodeAt(i);
  out[4] = version;
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, FRAME_PREFIX_BYTES);
  out.set(body, bodyOffset);
  return out;
}

export interface Frame {
  readonly header: unknown;
  /** a view into the input bytes */
  readonly body: Uint8Array;
}

/**
 * Read a frame; `code` prefixes the error codes: `${code}_MALFORMED` (magic, version,
 * lengths, JSON) and `${code}_TOO_LARGE` (header over maxHeaderBytes).
 */
export function readFrame(bytes: Uint8Array, magic: string, version: number, maxHeaderBytes: number, code: string, source: string): Frame {
  const malformed = (what: string) => new FedsegError(`${code}_MALFORMED`, `${source}: ${what}`);
  if (bytes.length < FRAME_PREFIX_BYTES) throw malformed(`expected at least ${FRAME_PREFIX_BYTES} bytes, found ${bytes.length}`);
  const found = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (found !== magic) throw malformed(`expected magic "${magic}", found ${JSON.stringify(found)}`);
  if (bytes[4] !== version) throw malformed(`expected format version ${version}, found ${bytes[4]!}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (headerLength > maxHeaderBytes) {
    throw new FedsegError(`${code}_TOO_LARGE`, `${source}: expected a header of at most ${maxHeaderBytes} bytes, found ${headerLength}`);
  }
  const bodyOffset = align4(FRAME_PREFIX_BYTES + headerLength);
  if (bodyOffset > bytes.length) throw malformed(`header of ${headerLength} bytes runs past the end (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(FRAME_PREFIX_BYTES, FRAME_PREFIX_BYTES + headerLength)));
  } catch (e) {
    throw malformed(`expected a JSON header, found unreadable text (${(e as Error).message})`);
  }
  return { header, body: bytes.subarray(bodyOffset) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
