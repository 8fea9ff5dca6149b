import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticCase } from '../../core/synthetic/syntheticCase.ts';
import { writeBratsNamedCase } from '../writeSampleScans.ts';
import { folderSite } from './siteCases.ts';

describe('folderSite', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('leaves out, with a warning, a case that cannot be prepared, and trains on the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedseg-folder-site-'));
    dirs.push(dir);
    for (const i of [1, 2]) writeBratsNamedCase(dir, syntheticCase({ seed: i, size: 24, id: `Good_${i}` }));
    const bad = syntheticCase({ seed: 9, size: 24, id: 'Empty_1' });
    writeBratsNamedCase(dir, { ...bad, images: { t1: zero(bad.images.t1), t1ce: zero(bad.images.t1ce), t2: zero(bad.images.t2), flair: zero(bad.images.flair) } });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const data = await folderSite(dir, 16, 0);
    expect([...data.train, ...data.validation].map((c) => c.id.split('/').slice(-2).join('/')).sort()).toEqual(['Good_1/Good_1', 'Good_2/Good_2']);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/: left out case .*Empty_1\/Empty_1: expected a brain .* found all four sequences zero everywhere$/)]);
    // with every case left out, the reasons are the error
    const only = mkdtempSync(join(tmpdir(), 'fedseg-folder-site-'));
    dirs.push(only);
    writeBratsNamedCase(only, { ...bad, images: { t1: zero(bad.images.t1), t1ce: zero(bad.images.t1ce), t2: zero(bad.images.t2), flair: zero(bad.images.flair) } });
    await expect(folderSite(only, 16, 0)).rejects.toThrow(/none of the 1 complete labelled cases could be prepared \(case .*Empty_1\/Empty_1: expected a brain/);
  });
});

function zero<T extends { data: ArrayLike<number> }>(v: T): T {
  return { ...v, data: new Float32Array(v.data.length) };
}
