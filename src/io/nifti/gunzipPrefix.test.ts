import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FedsegError } from '../../core/util/errors.ts';
import { gunzipPrefix } from './gunzipPrefix.ts';

/** bytes that compress a little, so the deflate data spans several 16 KiB input slices */
const data = Uint8Array.from({ length: 300_000 }, (_, i) => (Math.round(Math.sin(i * 0.37) * 40) + (i % 7) * 3) & 0xff);

const gz = (bytes: Uint8Array, level = 6): Uint8Array => new Uint8Array(gzipSync(bytes, { level }));
const whole = (input: Uint8Array, need = data.length): Uint8Array => gunzipPrefix(input, 'scan.nii.gz', 540, () => need);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};
const flipped = (bytes: Uint8Array, at: number, bit = 0): Uint8Array => {
  const b = bytes.slice();
  b[at]! ^= 1 << bit;
  return b;
};
/** index of the first byte where `a` and `b` differ, or -1 (vitest's toEqual is slow on 300 kB) */
const firstDifference = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
};
function failure(f: () => unknown): FedsegError {
  try {
    f();
  } catch (err) {
    if (err instanceof FedsegError) return err;
    throw err;
  }
  throw new Error('expected a FedsegError, found none');
}

describe('gunzipPrefix', () => {
  it('gives the needed bytes, after showing the caller at least the prefix', () => {
    const seen: number[] = [];
    const out = gunzipPrefix(gz(data), 'scan.nii.gz', 540, (prefix) => {
      seen.push(prefix.length);
      return 1000;
    });
    expect(seen.length).toBe(1);
    expect(seen[0]).toBeGreaterThanOrEqual(540);
    expect(firstDifference(out, data.subarray(0, 1000))).toBe(-1);
    expect(firstDifference(whole(gz(data)), data)).toBe(-1);
  });

  it('fails with NIFTI_GZIP naming the CRC when a bit of the deflate data is flipped', () => {
    // stored (level 0) blocks: a flipped data byte inflates without complaint, only the CRC tells
    const stored = gz(data, 0);
    const err = failure(() => whole(flipped(stored, 5000, 3)));
    expect(err.code).toBe('NIFTI_GZIP');
    expect(err.message).toMatch(/^scan\.nii\.gz: gzip CRC check failed for member 1: expected CRC-32 0x[0-9a-f]{8} and length 300000 .*, found CRC-32 0x[0-9a-f]{8} and length 300000/);
    expect(err.details).toEqual({ file: 'scan.nii.gz' });
    // and when the damaged byte is past what the caller needs: the member is checked to its end
    expect(failure(() => whole(flipped(stored, stored.length - 100), 1000)).message).toMatch(/CRC check failed/);
  });

  it('never returns the needed bytes changed, whichever single bit of a compressed file flips', () => {
    const small = data.subarray(0, 20_000);
    const file = gz(small);
    let caught = 0;
    for (let at = 10; at < file.length; at += 7) {
      for (const bit of [0, 5]) {
        let out: Uint8Array | FedsegError;
        try {
          out = whole(flipped(file, at, bit), small.length);
        } catch (err) {
          if (!(err instanceof FedsegError)) throw err;
          out = err;
        }
        if (out instanceof FedsegError) {
          expect(out.code).toBe('NIFTI_GZIP');
          caught++;
        } else {
          // a stream that stops early gives fewer bytes (the caller reports truncation); a
          // flip that leaves the output as it was (a block's final-bit, say) gives it unchanged
          const same = out.length === small.length && out.every((x, i) => x === small[i]);
          expect(same || out.length < small.length, `bit ${bit} of byte ${at} flipped`).toBe(true);
        }
      }
    }
    expect(caught).toBeGreaterThan(0);
    // the trailer itself: a CRC byte, a length byte (bit 0 of its second byte: 20000 ^ 256)
    expect(failure(() => whole(flipped(file, file.length - 6), small.length)).message).toMatch(/CRC check failed/);
    expect(failure(() => whole(flipped(file, file.length - 3), small.length)).message).toMatch(/expected CRC-32 0x[0-9a-f]{8} and length 20000 .*found CRC-32 0x[0-9a-f]{8} and length 20256 /);
  });

  it('decompresses concatenated members and checks each of them', () => {
    const parts = [data.subarray(0, 200), data.subarray(200, 150_000), data.subarray(150_000), new Uint8Array(0)];
    const members = parts.map((p) => gz(p, 0));
    expect(firstDifference(whole(cat(...members)), data)).toBe(-1);
    // the trailers of members 1 and 2 are checked though the next member starts right after them
    const second = members.map((m, i) => (i === 1 ? flipped(m, 3000) : m));
    expect(failure(() => whole(cat(...second))).message).toMatch(/CRC check failed for member 2/);
    const third = members.map((m, i) => (i === 2 ? flipped(m, m.length - 9) : m));
    expect(failure(() => whole(cat(...third))).message).toMatch(/CRC check failed for member 3/);
    // swapped trailers: each member's data intact, but not the data its trailer describes
    const a = gz(data.subarray(0, 1000));
    const b = gz(data.subarray(1000, 2000));
    const swapped = cat(a.subarray(0, a.length - 8), b.subarray(b.length - 8), b.subarray(0, b.length - 8), a.subarray(a.length - 8));
    expect(failure(() => whole(swapped, 2000)).message).toMatch(/member 1/);
    // members after the one that ends the needed bytes are not read
    expect(firstDifference(whole(cat(members[0]!, members[1]!, flipped(members[2]!, 3000)), 1000), data.subarray(0, 1000))).toBe(-1);
  });

  it('gives what a truncated stream has; fails when only the trailer that checks the needed bytes is cut', () => {
    const file = gz(data);
    const cut = whole(file.subarray(0, Math.round(file.length / 2)));
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(data.length);
    expect(firstDifference(cut, data.subarray(0, cut.length))).toBe(-1);
    // a whole member missing: the first one is still checked
    const two = cat(gz(data.subarray(0, 1000)), gz(data.subarray(1000)));
    expect(firstDifference(whole(two.subarray(0, gz(data.subarray(0, 1000)).length + 5)), data.subarray(0, 1000))).toBe(-1);
    expect(failure(() => whole(file.subarray(0, file.length - 8))).message).toMatch(/CRC check failed|cut short/);
    // cut inside the deflate data, at every point: the bytes it has, unchanged (the caller
    // reports the truncation), or a gzip error; never a CRC complaint read from data bytes
    // taken for a trailer (fflate does not always say a stream was cut off)
    const small = gz(data.subarray(0, 15_000));
    const crcComplaints: number[] = [];
    for (let cut = 9; cut < small.length - 20; cut++) {
      let out: Uint8Array | FedsegError;
      try {
        out = whole(small.subarray(0, small.length - cut), 15_000);
      } catch (err) {
        if (!(err instanceof FedsegError)) throw err;
        out = err;
      }
      if (out instanceof FedsegError) {
        if (/CRC check failed/.test(out.message)) crcComplaints.push(cut);
      } else {
        expect(out.length, `cut ${cut}`).toBeLessThan(15_000);
        expect(firstDifference(out, data.subarray(0, out.length)), `cut ${cut}`).toBe(-1);
      }
    }
    expect(crcComplaints).toEqual([]);
    expect(failure(() => whole(file.subarray(0, file.length - 3))).code).toBe('NIFTI_GZIP');
  });

  it('passes over padding after the last member, still checking it', () => {
    const file = gz(data);
    for (const pad of [1, 3, 4, 100]) expect(firstDifference(whole(cat(file, new Uint8Array(pad))), data)).toBe(-1);
    expect(failure(() => whole(cat(flipped(gz(data, 0), 4000), new Uint8Array(100)))).message).toMatch(/CRC check failed for member 1/);
    // an empty last member (bgzip's end-of-file block) followed by padding
    expect(firstDifference(whole(cat(file, gz(new Uint8Array(0)), new Uint8Array(64))), data)).toBe(-1);
  });

  it('still fails corrupt data that fflate itself refuses', () => {
    const file = gz(data);
    const bad = file.slice();
    for (let i = 20; i < 40; i++) bad[i] = 0xff;
    expect(failure(() => whole(bad)).code).toBe('NIFTI_GZIP');
  });
});
