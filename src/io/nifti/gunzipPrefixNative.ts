/**
 * gunzipPrefix with the platform's native DecompressionStream (browsers; Node >= 18):
 * the same contract (the caller sizes the output from the first bytes), asynchronous.
 * Once the needed bytes are out the stream is read on to its end, the rest discarded, so
 * that the platform checks the gzip trailer (CRC-32 and length) of what was used; past
 * DISCARD_LIMIT discarded bytes it is let go unchecked (data after the image is no part
 * of it).
 */
import { FedsegError } from '../../core/util/errors.ts';
import { gunzipPrefix } from './gunzipPrefix.ts';

const INPUT_SLICE = 1 << 20;
const DISCARD_LIMIT = 16 << 20;

export async function gunzipPrefixNative(
  gz: Uint8Array,
  fileName: string,
  prefixBytes: number,
  sizeNeeded: (prefix: Uint8Array) => number,
): Promise<Uint8Array> {
  let offset = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= gz.length) {
        controller.close();
        return;
      }
      const end = Math.min(gz.length, offset + INPUT_SLICE);
      // a copy: the stream may transfer (detach) the chunk's buffer
      const chunk = new Uint8Array(end - offset);
      chunk.set(gz.subarray(offset, end));
      controller.enqueue(chunk);
      offset = end;
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let out: Uint8Array | null = null;
  let filled = 0;
  let discarded = 0;
  const allocate = (): Uint8Array => {
    const prefix = new Uint8Array(have);
    let o = 0;
    for (const c of chunks) {
      prefix.set(c, o);
      o += c.length;
    }
    chunks.length = 0;
    const buf = new Uint8Array(sizeNeeded(prefix));
    filled = Math.min(buf.length, prefix.length);
    buf.set(prefix.subarray(0, filled));
    return buf;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (out) {
        const n = Math.min(value.length, out.length - filled);
        if (n > 0) out.set(n === value.length ? value : value.subarray(0, n), filled);
        filled += n;
        discarded += value.length - n;
      } else {
        chunks.push(value);
        have += value.length;
        if (have >= prefixBytes) out = allocate();
      }
      if (out && filled >= out.length && discarded > DISCARD_LIMIT) {
        await reader.cancel().catch(() => {});
        return out;
      }
    }
  } catch (err) {
    if (err instanceof FedsegError) {
      await reader.cancel().catch(() => {});
      throw err;
    }
    const msg = err instanceof Error ? err.message : String(err);
    const truncated = /unexpected end|end of (file|stream|data)|incomplete|truncat/i.test(msg);
    // bytes after a member that are no gzip member (Chromium: "Junk found after end of
    // compressed data"; Node: "incorrect header check", the next member's): the member
    // before them was checked, and gzip ignores such padding
    const junk = /junk|incorrect header check/i.test(msg);
    if (junk && !(out && filled >= out.length)) {
      // Node's stream fails there before it hands out the member's last bytes: the
      // synchronous reader, which checks each member and passes padding over, reads it
      return gunzipPrefix(gz, fileName, prefixBytes, sizeNeeded);
    }
    // other damage (a CRC that does not match) is a gzip error
    if (!truncated && !junk) {
      throw new FedsegError('NIFTI_GZIP', `${fileName}: expected a valid gzip stream, found corrupt data (${msg})`, { file: fileName });
    }
    if (junk) return out!;
    // a truncated stream gives what it had (the caller reports the truncation), unless all
    // needed bytes are out: then it was cut before the trailer that checks them
    if (!out) out = allocate(); // (a file shorter than the prefix is sized only now)
    if (filled >= out.length) {
      throw new FedsegError('NIFTI_GZIP', `${fileName}: expected the gzip data to go on to its CRC-32 trailer, found the file cut short before it (the data cannot be checked)`, { file: fileName });
    }
  }
  if (!out) out = allocate();
  return out.subarray(0, filled);
}
