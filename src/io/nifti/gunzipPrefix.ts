/**
 * Streaming gunzip that hands out only what the caller needs: the caller sees the first
 * bytes (the header), decides how many bytes it needs in total (or refuses, e.g. over its
 * memory budget) before the output is allocated. Files of several concatenated gzip
 * members (RFC 1952 allows them; bgzip and pigz write them) are decompressed member
 * after member. Every member that holds needed bytes is checked against its trailer
 * (CRC-32 and length of its output, which fflate does not check): once the needed bytes
 * are out, decompression goes on to the end of that member, discarding the output, to
 * check it; members after it are not read. Corrupt streams fail with NIFTI_GZIP;
 * truncated ones give what they have.
 */
import { Gunzip } from 'fflate';
import { FedsegError } from '../../core/util/errors.ts';
import { crc32 } from './crc32.ts';

/** gzip magic bytes 1f 8b */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const INPUT_SLICE = 16 * 1024;
const TRAILER = 8;

/**
 * Decompresses `gz`. `sizeNeeded(prefix)` is called once, with at least `prefixBytes`
 * bytes (or everything, if the stream is shorter); it returns how many bytes of output
 * are needed. Returns the needed bytes, or fewer when the stream ends early.
 */
export function gunzipPrefix(
  gz: Uint8Array,
  fileName: string,
  prefixBytes: number,
  sizeNeeded: (prefix: Uint8Array) => number,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let have = 0;
  let out: Uint8Array | null = null;
  let filled = 0;
  // the member being decompressed: where it starts in `gz`, CRC-32 and length of its output
  let member = { index: 0, start: 0, crc: 0, length: 0 };
  // set once the member holding the last needed byte has been checked
  let checked = false;
  const allocate = (): void => {
    const prefix = concat(chunks, have);
    const need = sizeNeeded(prefix);
    out = new Uint8Array(need);
    filled = Math.min(need, prefix.length);
    out.set(prefix.subarray(0, filled));
    chunks.length = 0;
  };
  const complete = (): boolean => out !== null && filled >= (out as Uint8Array).length;
  const stream = new Gunzip((chunk) => {
    if (checked) return;
    member.crc = crc32(chunk, member.crc);
    member.length += chunk.length;
    if (out) {
      const n = Math.min(chunk.length, out.length - filled);
      if (n > 0) out.set(n === chunk.length ? chunk : chunk.subarray(0, n), filled);
      filled += n;
    } else {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= prefixBytes) allocate();
    }
  });
  // called when the next member's header has been read: the member before it ended
  // right there, its trailer being the 8 bytes before `offset`
  stream.onmember = (offset) => {
    if (checked) return;
    checkTrailer(gz, offset - TRAILER, member, fileName);
    if (complete()) checked = true;
    member = { index: member.index + 1, start: offset, crc: 0, length: 0 };
  };
  try {
    // fflate's Gunzip goes on to the next member only on a push that is not final:
    // every slice is pushed as not final, then an empty final push ends the stream
    for (let p = 0; p < gz.length && !checked; p += INPUT_SLICE) {
      stream.push(gz.subarray(p, Math.min(gz.length, p + INPUT_SLICE)), false);
    }
    if (checked) return out as unknown as Uint8Array;
    stream.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof FedsegError) throw err;
    // the needed bytes are out and checked; what follows does not matter
    if (checked) return out as unknown as Uint8Array;
    const msg = err instanceof Error ? err.message : String(err);
    if (/unexpected EOF/i.test(msg)) {
      // a stream that ended early still gives what it has (the caller reports truncation),
      // unless all needed bytes are out: then it is cut before the trailer that checks them
      if (complete() && findTrailer(gz, member) === null) {
        throw new FedsegError('NIFTI_GZIP', `${fileName}: expected the gzip data to go on to the CRC-32 trailer of member ${member.index + 1}, found the file cut short before it (the data cannot be checked)`, { file: fileName });
      }
      // (the member may have ended, the file being cut in the next member's header)
      if (!out) allocate();
      return (out as unknown as Uint8Array).subarray(0, filled);
    }
    // bytes after the last member that are no gzip member (padding) are ignored, as gzip
    // does; fflate says so only as a header it cannot read after a member
    const afterMember = /invalid gzip data/i.test(msg) && (member.index > 0 || member.length > 0);
    if (!afterMember) {
      throw new FedsegError('NIFTI_GZIP', `${fileName}: expected a valid gzip stream, found corrupt data (${msg})`, { file: fileName });
    }
  }
  // the last member decompressed to its end, or as far as the file goes: fflate does not
  // always say that a stream was cut off. Cut before the needed bytes and with no trailer
  // of its output anywhere, it gives what it has (the caller reports the truncation)
  const trailer = findTrailer(gz, member);
  if (trailer !== null || complete()) checkTrailer(gz, trailer ?? gz.length - TRAILER, member, fileName);
  if (!out) allocate();
  return (out as unknown as Uint8Array).subarray(0, filled);
}

interface MemberSum {
  readonly index: number;
  readonly start: number;
  readonly crc: number;
  readonly length: number;
}

/** Compares a member's output with its trailer at `at`: CRC-32, then length mod 2^32, little-endian. */
function checkTrailer(gz: Uint8Array, at: number, m: MemberSum, fileName: string): void {
  const size = m.length % 2 ** 32;
  const stored = at >= m.start && at + TRAILER <= gz.length ? { crc: readU32(gz, at), size: readU32(gz, at + 4) } : null;
  if (stored && stored.crc === m.crc && stored.size === size) return;
  const found = stored ? `CRC-32 ${hex(stored.crc)} and length ${stored.size}` : 'no trailer';
  throw new FedsegError(
    'NIFTI_GZIP',
    `${fileName}: gzip CRC check failed for member ${m.index + 1}: expected CRC-32 ${hex(m.crc)} and length ${size} (of the decompressed data), found ${found} in its trailer; the file is damaged or cut short`,
    { file: fileName },
  );
}

/**
 * Where the trailer of the member `m`, decompressed to its end, is when no next member
 * says so: it ends the file, unless bytes that are no gzip member follow it (zero
 * padding, which fflate passes over without saying where the member ended); it is the
 * last place after the member's start that holds exactly the trailer its output calls for
 * (a chance match elsewhere needs 64 bits to agree). Null when there is none.
 */
function findTrailer(gz: Uint8Array, m: MemberSum): number | null {
  const size = m.length % 2 ** 32;
  for (let at = gz.length - TRAILER; at >= m.start; at--) {
    if (readU32(gz, at) === m.crc && readU32(gz, at + 4) === size) return at;
  }
  return null;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const buf = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    buf.set(c, o);
    o += c.length;
  }
  return buf;
}
