import { describe, expect, it } from 'vitest';
import { storedInMemory } from '../sourceFile.ts';
import { holdDicomFile } from './heldDicomFile.ts';
import { parseDicomFile } from './parseDicomFile.ts';
import { syntheticDicomSeries, syntheticEnhancedDicom } from './testing/syntheticDicom.ts';

/** bytes of every typed array reachable from `x` through its own properties */
const arrayBytes = (x: unknown, seen = new Set<unknown>()): number => {
  if (ArrayBuffer.isView(x)) return x.byteLength;
  if (x instanceof ArrayBuffer) return x.byteLength;
  if (typeof x !== 'object' || x === null || seen.has(x)) return 0;
  seen.add(x);
  return Object.values(x).reduce((n: number, v) => n + arrayBytes(v, seen), 0);
};

describe('holdDicomFile', () => {
  it("keeps the file's attributes and study text, and none of its bytes", async () => {
    const file = syntheticEnhancedDicom({ dims: [64, 64, 8] });
    const parsed = parseDicomFile(file);
    if (!('instance' in parsed)) throw new Error(parsed.problem.message);
    expect(arrayBytes(parsed.instance)).toBeGreaterThan(64 * 64 * 8 * 2);
    const held = await holdDicomFile(parsed.instance, storedInMemory(file));
    expect(held).not.toHaveProperty('dataSet');
    expect(held).not.toHaveProperty('pixelElement');
    expect(arrayBytes({ ...held, stored: undefined })).toBe(0);
    expect(held.frames).toHaveLength(8);
    expect(held.study.info.patientName).toBe('Test^Phantom');
    expect(held.patientId).toBe('FEDSEG-TEST');
    expect(held.undecodable).toBeUndefined();
  });

  it('says which frame could not be decoded, without failing', async () => {
    // the writer stores the pixels raw under the RLE syntax's UID: a fragment with no RLE header
    const [file] = syntheticDicomSeries({ dims: [4, 4, 1], transferSyntaxUid: '1.2.840.10008.1.2.5' });
    const parsed = parseDicomFile(file!);
    if (!('instance' in parsed)) throw new Error(parsed.problem.message);
    const held = await holdDicomFile(parsed.instance, storedInMemory(file!));
    expect(held.undecodable).toEqual({ code: 'DICOM_DECODE', why: expect.stringMatching(/^frame 1 \(RLE Lossless .*could not be decoded: RLE frame: expected a 64-byte header/) });
  });
});
