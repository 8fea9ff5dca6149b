import { describe, expect, it } from 'vitest';
import { decodeRle } from './decodeRle.ts';

/** PS3.5 G.3.1-style PackBits encoder for the test (literal runs only, plus one replicate run). */
function segment(bytes: number[]): number[] {
  const out: number[] = [];
  // a replicate run for a leading run of equal bytes, then literal runs
  let i = 0;
  let run = 1;
  while (run < bytes.length && bytes[run] === bytes[0] && run < 128) run++;
  if (run >= 3) {
    out.push(257 - run, bytes[0]!);
    i = run;
  }
  while (i < bytes.length) {
    const n = Math.min(128, bytes.length - i);
    out.push(n - 1, ...bytes.slice(i, i + n));
    i += n;
  }
  if (out.length % 2) out.push(0x80); // pad with a no-op
  return out;
}

function rleFrame(segments: number[][]): Uint8Array {
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    header.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  const out = new Uint8Array(offset);
  out.set(new Uint8Array(header.buffer));
  let o = 64;
  for (const s of segments) {
    out.set(s, o);
    o += s.length;
  }
  return out;
}

describe('decodeRle', () => {
  it('decodes 16-bit signed pixels from high and low byte planes', () => {
    const values = [-1, -1, -1, -1, 300, -300, 0, 32767, -32768];
    const hi = values.map((v) => (v >> 8) & 0xff);
    const lo = values.map((v) => v & 0xff);
    const frame = rleFrame([segment(hi), segment(lo)]);
    const out = decodeRle(frame, { rows: 3, columns: 3, bitsAllocated: 16, bitsStored: 16, signed: true, samplesPerPixel: 1 });
    expect(Array.from(out)).toEqual(values);
  });

  it('says what it expected when the segment count is wrong', () => {
    const frame = rleFrame([segment([1, 2, 3, 4])]);
    expect(() => decodeRle(frame, { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 16, signed: false, samplesPerPixel: 1 })).toThrow(
      /expected 2 segments .* found 1/,
    );
  });
});
