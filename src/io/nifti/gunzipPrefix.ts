/**
 * Streaming gunzip that stops once it has what the caller needs: the caller sees the
 * first bytes (the header), decides how many bytes it needs in total (or refuses, e.g.
 * over its memory budget) before the output is allocated, and decompression stops as
 * soon as that many bytes are out. Files of several concatenated gzip members (RFC 1952
 * allows them; bgzip and pigz write them) are decompressed member after member. Corrupt
 * or truncated streams fail with NIFTI_GZIP.
 */
import { Gunzip } from 'fflate';
import { FedsegError } from '../../core/util/errors.ts';

/** gzip magic bytes 1f 8b */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const INPUT_SLICE = 16 * 1024;

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
  const allocate = (): void => {
    const prefix = concat(chunks, have);
    const need = sizeNeeded(prefix);
    out = new Uint8Array(need);
    filled = Math.min(need, prefix.length);
    out.set(prefix.subarray(0, filled));
    chunks.length = 0;
  };
  const stream = new Gunzip((chunk) => {
    if (out) {
      const n = Math.min(chunk.length, out.length - filled);
      out.set(n === chunk.length ? chunk : chunk.subarray(0, n), filled);
      filled += n;
    } else {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= prefixBytes) allocate();
    }
  });
  const complete = (): boolean => out !== null && filled >= (out as Uint8Array).length;
  try {
    // fflate's Gunzip goes on to the next member only on a push that is not final:
    // every slice is pushed as not final, then an empty final push ends the stream
    for (let p = 0; p < gz.length; p += INPUT_SLICE) {
      stream.push(gz.subarray(p, Math.min(gz.length, p + INPUT_SLICE)), false);
      if (complete()) return out as unknown as Uint8Array;
    }
    stream.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof FedsegError) throw err;
    // bytes after the last member that are no gzip member (padding) are ignored, as gzip does
    if (complete()) return out as unknown as Uint8Array;
    // a stream that ended early still gives what it has (the caller reports truncation)
    if (!(err instanceof Error && /unexpected EOF/i.test(err.message))) {
      throw new FedsegError('NIFTI_GZIP', `${fileName}: expected a valid gzip stream, found corrupt data (${err instanceof Error ? err.message : String(err)})`, { file: fileName });
    }
  }
  if (!out) allocate();
  return (out as unknown as Uint8Array).subarray(0, filled);
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
