import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FedsegError } from '../../core/util/errors.ts';
import { buildTestNifti, gzipMembers, noisyNifti } from './buildTestNifti.ts';
import { readNifti, readNiftiAsync } from './readNifti.ts';
import { sharedData } from '../../node/sharedData.ts';
import { errorCodeAsync } from '../../core/util/errorCode.ts';


function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}


describe('readNiftiAsync (native DecompressionStream)', () => {
  it('reads the real BraTS T1 exactly as readNifti does', async () => {
    const bytes = readFileSync(sharedData('brats', 'BraTS19_TCIA08_105_1_t1.nii.gz'));
    const a = await readNiftiAsync(bytes, 't1.nii.gz');
    const b = readNifti(bytes, 't1.nii.gz');
    expect(a.dims).toEqual(b.dims);
    expect(a.affine).toEqual(b.affine);
    expect(a.header.gzipped).toBe(true);
    expect(firstDifference(a.data, b.data)).toBe(-1);
  });

  it('checks the gzip CRC of what it read: a flipped byte in stored data is NIFTI_GZIP, not a changed scan', async () => {
    // large enough to come out in many chunks, the last needed one before the trailer
    const values = Array.from({ length: 64 * 64 * 32 }, (_, i) => i % 1000);
    const stored = gzipSync(buildTestNifti({ dims: [64, 64, 32], values }), { level: 0 });
    const flipped = stored.slice();
    flipped[stored.length - 30]! ^= 0x10; // inside the image data: it decompresses without complaint
    expect(await errorCodeAsync(readNiftiAsync(flipped, 'flipped.nii.gz'))).toBe('NIFTI_GZIP');
    // bytes after the member that are no gzip member are passed over, as gzip and readNifti do
    const padded = new Uint8Array([...stored, ...new TextEncoder().encode('not gzip')]);
    expect((await readNiftiAsync(padded, 'padded.nii.gz')).data.length).toBe(values.length);
    // cut right before its trailer: refused (Node's stream keeps back the last bytes it
    // cannot check, so this reads as truncated), never taken as a whole scan
    expect(['NIFTI_GZIP', 'NIFTI_TRUNCATED']).toContain(await errorCodeAsync(readNiftiAsync(stored.slice(0, stored.length - 8), 'no-trailer.nii.gz')));
  });

  it('gives the same error codes: truncated, corrupt, over budget', async () => {
    const values = Array.from({ length: 24 }, (_, i) => i);
    const gz = gzipSync(buildTestNifti({ dims: [4, 3, 2], values }));
    expect([...(await readNiftiAsync(gz, 'ok.nii.gz')).data]).toEqual(values);
    expect(await errorCodeAsync(readNiftiAsync(gz.slice(0, gz.length - 20), 'cut.nii.gz'))).toBe('NIFTI_TRUNCATED');
    const corrupt = gz.slice();
    for (let i = 20; i < 40; i++) corrupt[i] = 0xff;
    expect(['NIFTI_GZIP', 'NIFTI_TRUNCATED']).toContain(await errorCodeAsync(readNiftiAsync(corrupt, 'c.nii.gz')));
    const huge = gzipSync(buildTestNifti({ dims: [4000, 4000, 4000], values: [], datatype: 64 }));
    expect(await errorCodeAsync(readNiftiAsync(huge, 'huge.nii.gz'))).toBe('NIFTI_TOO_LARGE');
    // not gzipped: the synchronous reader
    expect([...(await readNiftiAsync(buildTestNifti({ dims: [4, 3, 2], values }), 'plain.nii')).data]).toEqual(values);
  });

  it('reads a .nii.gz of several concatenated gzip members as readNifti does; refuses a truncated one', async () => {
    const file = noisyNifti();
    const one = readNifti(gzipSync(file), 'one.nii.gz');
    const { bytes, ends } = gzipMembers([file.subarray(0, 200), file.subarray(200, 150000), file.subarray(150000, 255000), file.subarray(255000), new Uint8Array(0)]);
    const multi = await readNiftiAsync(bytes, 'multi.nii.gz');
    expect(multi.affine).toEqual(one.affine);
    expect(firstDifference(multi.data, one.data)).toBe(-1);
    const values = Array.from({ length: 24 }, (_, i) => i);
    const small = buildTestNifti({ dims: [4, 3, 2], values });
    expect([...(await readNiftiAsync(gzipMembers([small.subarray(0, 400), small.subarray(400)]).bytes, 'small.nii.gz')).data]).toEqual(values);
    expect(await errorCodeAsync(readNiftiAsync(bytes.subarray(0, Math.round((ends[0]! + ends[1]!) / 2)), 'cut.nii.gz'))).toBe('NIFTI_TRUNCATED');
    expect(await errorCodeAsync(readNiftiAsync(bytes.subarray(0, ends[1]), 'cut.nii.gz'))).toBe('NIFTI_TRUNCATED');
  });

  it('returns a volume or throws a FedsegError for mutated .nii.gz (fast-check)', async () => {
    const seed = gzipSync(buildTestNifti({ dims: [5, 4, 3], values: Array.from({ length: 60 }, (_, i) => i), datatype: 4, qformCode: 1 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (flips, cut) => {
          let b = seed.slice();
          for (const [at, v] of flips) b[at % b.length] = v;
          if (cut !== undefined) b = b.slice(0, cut % (b.length + 1));
          try {
            const v = await readNiftiAsync(b, 'fuzz.nii.gz', { maxBytes: 1 << 20 });
            expect(v.data.length).toBe(v.dims[0] * v.dims[1] * v.dims[2]);
          } catch (err) {
            if (!(err instanceof FedsegError)) throw err;
            expect(err.message).toMatch(/^fuzz\.nii\.gz: /);
          }
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
