/**
 * gunzipPrefix with the platform's native DecompressionStream (browsers; Node >= 18):
 * the same contract (the caller sizes the output from the first bytes, decompression
 * stops once that many bytes are out), asynchronous.
 */
import { FedsegError } from '../../core/util/errors.ts';

const INPUT_SLICE = 1 << 20;

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
        out.set(n === value.length ? value : value.subarray(0, n), filled);
        filled += n;
      } else {
        chunks.push(value);
        have += value.length;
        if (have >= prefixBytes) out = allocate();
      }
      if (out && filled >= out.length) {
        await reader.cancel().catch(() => {});
        return out;
      }
    }
  } catch (err) {
    if (err instanceof FedsegError) {
      await reader.cancel().catch(() => {});
      throw err;
    }
    // a truncated stream gives what it had (the caller reports the truncation); other
    // damage is a gzip error
    const msg = err instanceof Error ? err.message : String(err);
    if (!/unexpected end|end of (file|stream|data)|incomplete|truncat/i.test(msg)) {
      throw new FedsegError('NIFTI_GZIP', `${fileName}: expected a valid gzip stream, found corrupt data (${msg})`, { file: fileName });
    }
  }
  if (!out) out = allocate();
  return out.subarray(0, filled);
}
