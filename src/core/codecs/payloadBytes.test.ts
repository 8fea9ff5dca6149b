import { Deflate, Inflate } from 'fflate';
import { describe, expect, it } from 'vitest';
import { deflateFast, inflateExact, unusedInput } from './payloadBytes.ts';

/** A deflate stream of `zeros` zero bytes, not closed, then bytes that are no deflate block at all. */
function bombWithGarbage(zeros: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  d.push(new Uint8Array(zeros), false);
  d.flush();
  parts.push(new Uint8Array(64).fill(0xff)); // block type 3: reserved, invalid
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('inflateExact', () => {
  it('round-trips what deflateFast made, and names a short or a long payload', () => {
    const raw = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 13);
    expect(inflateExact(deflateFast(raw), 5000, 'int4')).toEqual(raw);
    expect(() => inflateExact(deflateFast(raw), 5001, 'int4')).toThrow(/int4 payload: expected 5001 bytes once inflated, found 5000/);
    expect(() => inflateExact(deflateFast(raw), 4999, 'int4')).toThrow(/int4 payload: expected 4999 bytes once inflated, found more/);
    expect(() => inflateExact(new Uint8Array(0), 10, 'topk')).toThrow(/topk payload: expected deflate data, found a stream that ends early \(0 bytes\)/);
  });

  it('stops inflating a decompression bomb once it passes the expected size: it never reaches the rest of the stream', () => {
    const bomb = bombWithGarbage(16 * 1024 * 1024); // 16 MiB of zeros in about 16 kB, then an invalid block
    expect(bomb.length).toBeLessThan(32 * 1024);
    // reading the whole stream would end in "unreadable stream" at the invalid block; stopping early says "more"
    expect(() => inflateExact(bomb, 16_000, 'int4')).toThrow(/expected 16000 bytes once inflated, found more/);
    expect(() => inflateExact(bomb, 32 * 1024 * 1024, 'int4')).toThrow(/unreadable stream/); // the garbage is there
  });

  it('refuses any byte after the deflate stream (it would be stored and counted as the update), whatever the sizes', () => {
    for (const size of [1, 7, 100, 1023, 1024, 1025, 5000, 70_000]) {
      const raw = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 5)) % 17);
      const stream = deflateFast(raw);
      expect(inflateExact(stream, size, 'int8')).toEqual(raw);
      for (const extra of [1, 2, 1000, 5000]) {
        const padded = new Uint8Array(stream.length + extra);
        padded.set(stream);
        expect(() => inflateExact(padded, size, 'int8'), `${size} bytes + ${extra}`).toThrow(`int8 payload: expected the deflate stream to end the payload, found ${extra} byte(s) after it`);
      }
    }
  });

  it('can see the input fflate leaves unused (pins the installed version: see unusedInput)', () => {
    const inflater = new Inflate(() => undefined);
    const stream = deflateFast(new Uint8Array(300).fill(3));
    const padded = new Uint8Array(stream.length + 3);
    padded.set(stream);
    inflater.push(padded, true);
    expect(unusedInput(inflater)).toBe(3);
  });
});
