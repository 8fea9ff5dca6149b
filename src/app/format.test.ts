import { describe, expect, it } from 'vitest';
import { formatWhen } from './format.ts';

describe('formatWhen', () => {
  it('writes a moment as year-month-day and 24-hour time in this computer\'s zone, as fedseg status does', () => {
    expect(formatWhen(new Date(2026, 11, 8, 14, 5, 9).getTime())).toBe('2026-12-08 14:05:09');
    expect(formatWhen(new Date(2027, 0, 2, 3, 4, 5).getTime())).toBe('2027-01-02 03:04:05');
    expect(formatWhen(null)).toBe('–');
  });
});
