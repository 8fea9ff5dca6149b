import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('gives the published check values of CRC-32/ISO-HDLC', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
    expect(crc32(new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
  });

  it('continues from an earlier CRC: crc32(b, crc32(a)) is the CRC of a then b', () => {
    const all = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
    const whole = crc32(all);
    for (const cut of [0, 1, 7, 500, 999, 1000]) {
      expect(crc32(all.subarray(cut), crc32(all.subarray(0, cut)))).toBe(whole);
    }
  });

  it('gives the one-byte-a-step CRC for every length and offset (the eight-byte steps and the tail)', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff);
    const slow = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= bytes.length; end++) expect(crc32(bytes.subarray(start, end))).toBe(slow(bytes.subarray(start, end)));
    }
  });

  it('matches the CRC-32 that zlib writes in a gzip trailer', () => {
    const data = Uint8Array.from({ length: 70000 }, (_, i) => (i * i + 3 * i) & 0xff);
    const gz = gzipSync(data);
    expect(crc32(data)).toBe(gz.readUInt32LE(gz.length - 8));
  });
});
