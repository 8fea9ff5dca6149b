import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverCases } from '../io/discovery/discoverCases.ts';
import { readFolder } from './readFolder.ts';
import { writeSampleScans } from './writeSampleScans.ts';

describe('writeSampleScans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedseg-samples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes complete, labelled BraTS-named cases that case discovery finds', async () => {
    const cases = writeSampleScans(dir, 2, 16);
    expect(cases).toHaveLength(2);
    const { files } = readFolder([dir]);
    const report = await discoverCases(files);
    expect(report.problems).toEqual([]);
    expect(report.cases.map((c) => [c.id, c.missing.length, c.hasLabel, c.dims])).toEqual([
      [expect.stringContaining('Sample_001'), 0, true, [16, 16, 16]],
      [expect.stringContaining('Sample_002'), 0, true, [16, 16, 16]],
    ]);
  });
});
