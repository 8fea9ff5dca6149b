import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { decodeModel } from '../../core/model/modelFile.ts';
import { trainLocalCommand } from './trainLocal.ts';

it('trains a few steps on synthetic cases, reports progress and writes a model that reads back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedseg-train-'));
  const out = join(dir, 'model.json');
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    lines.push(String(s));
    return true;
  });
  let code: number;
  try {
    code = await trainLocalCommand.run(['--steps', '2', '--cases', '1', '--size', '16', '--seed', '3', '--out', out]);
  } finally {
    spy.mockRestore();
  }
  expect(code).toBe(0);
  expect(lines.join('')).toMatch(/step 2\/2 {2}loss \d+\.\d{4} {2}[\d,]+ voxels\/s {2}ETA 0:00/);
  const manifest = JSON.parse(readFileSync(out, 'utf8'));
  const m = decodeModel(manifest, readFileSync(join(dir, 'model.weights.bin')), out);
  expect(m.preset.name).toBe('tiny');
  expect(manifest.meta).toMatchObject({ steps: 2, seed: 3, backend: 'wasm' });
  expect(m.weights[0]?.values.every(Number.isFinite)).toBe(true);
  await expect(trainLocalCommand.run(['--steps', '0', '--out', out])).rejects.toThrow(/--steps: expected a positive integer; found "0"/);
});
