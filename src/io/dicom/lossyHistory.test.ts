import { describe, expect, it } from 'vitest';
import { lossyAttributes, mergeLossyHistories } from './lossyHistory.ts';

describe('mergeLossyHistories', () => {
  it('is null when no image was lossy, else every method once with the mean of the ratios given for it', () => {
    expect(mergeLossyHistories([null, null])).toBeNull();
    expect(mergeLossyHistories([])).toBeNull();
    const merged = mergeLossyHistories([
      null,
      { steps: [{ method: 'ISO_10918_1', ratio: 10 }] },
      { steps: [{ method: 'ISO_10918_1', ratio: 20 }, { method: 'ISO_15444_1', ratio: undefined }] },
      { steps: [] },
    ]);
    expect(merged).toEqual({ steps: [{ method: 'ISO_10918_1', ratio: 15 }, { method: 'ISO_15444_1', ratio: undefined }] });
  });
});

describe('lossyAttributes', () => {
  it('writes the methods, and the ratios only when every method has one (they pair value by value)', () => {
    expect(lossyAttributes({ steps: [] })).toEqual({});
    expect(lossyAttributes({ steps: [{ method: 'ISO_10918_1', ratio: 14.886580570054 }, { method: 'ISO_15444_1', ratio: 69 }] }))
      .toEqual({ LossyImageCompressionMethod: ['ISO_10918_1', 'ISO_15444_1'], LossyImageCompressionRatio: ['14.8866', '69'] });
    expect(lossyAttributes({ steps: [{ method: 'ISO_10918_1', ratio: 10 }, { method: 'ISO_15444_1', ratio: undefined }] }))
      .toEqual({ LossyImageCompressionMethod: ['ISO_10918_1', 'ISO_15444_1'] });
  });

  it('keeps a ratio within the 16 characters of a DS', () => {
    const [ratio] = lossyAttributes({ steps: [{ method: 'ISO_10918_1', ratio: 123456789.123456 }] }).LossyImageCompressionRatio!;
    expect(ratio!.length).toBeLessThanOrEqual(16);
    expect(Number(ratio)).toBeCloseTo(123457000, -3);
  });
});
