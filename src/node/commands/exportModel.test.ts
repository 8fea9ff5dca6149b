import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dataPaths, type RunningCoordinator } from '../../coordinator/startCoordinator.ts';
import { constantDelta, globalWeights, joinSite, sendUpdate, startTestCoordinator, tempDir, testPlan, updateEnvelope } from '../../coordinator/testing/testFederation.ts';
import { decodeModel } from '../../core/model/modelFile.ts';
import { exportModelCommand } from './exportModel.ts';

let dir: ReturnType<typeof tempDir> | null = null;
let coord: RunningCoordinator | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await coord?.close();
  dir?.remove();
  coord = null;
  dir = null;
});

const exportTo = (out: string, ...more: string[]) => exportModelCommand.run(['--data', join(dir!.path, 'data'), '--out', out, ...more]);

describe('fedseg export-model', () => {
  it("writes the last closed round's model, as sites download it, beside a running coordinator; the final one once finished", async () => {
    dir = tempDir();
    const plan = testPlan({ rounds: 2 });
    coord = await startTestCoordinator(plan, join(dir.path, 'data'));
    const site = await joinSite(coord, 'A');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const out = join(dir.path, 'out', 'model.json');
    await expect(exportTo(out)).rejects.toThrow(expect.objectContaining({ code: 'NO_MODEL_YET', message: expect.stringContaining('round 1 of 2 has not closed yet') }));

    for (const round of [1, 2]) {
      const status = await site.client.round();
      const global = await globalWeights(site, status.globalModelHash);
      const r = await sendUpdate(coord.url, site, round, await updateEnvelope(plan, site, round, status.globalModelHash, constantDelta(global, 0.01 * round)));
      expect(r.status).toBe(200);
      const next = await site.client.waitForRound(round, 10);
      const made = await globalWeights(site, next.globalModelHash);
      expect(await exportTo(out)).toBe(0);
      const manifest = JSON.parse(readFileSync(out, 'utf8'));
      const model = decodeModel(manifest, readFileSync(join(dir.path, 'out', 'model.weights.bin')), out);
      expect(model.preset.name).toBe('tiny');
      expect(model.weights.map((w) => w.name)).toEqual(made.map((w) => w.name));
      for (const [i, w] of model.weights.entries()) expect(w.values).toEqual(made[i]!.values);
      expect(manifest.meta).toMatchObject({ federation: plan.federation, round, rounds: 2, final: round === 2, modelHash: next.globalModelHash });
    }
    expect(log.mock.calls.map((c) => String(c[0]).split(':')[0])).toEqual([expect.stringMatching(/^model of round 1 of 2 \(the federation has not finished\) [0-9a-f]{64}$/), expect.stringMatching(/^final model [0-9a-f]{64}$/)]);

    // an earlier round's model, by number; a round that never closed is refused
    expect(await exportTo(join(dir.path, 'r1.json'), '--round', '1')).toBe(0);
    expect(JSON.parse(readFileSync(join(dir.path, 'r1.json'), 'utf8')).meta).toMatchObject({ round: 1, final: false });
    await expect(exportTo(out, '--round', '3')).rejects.toThrow('--round: expected a closed round (1 to 2), found 3');
    await expect(exportTo(out, '--round', 'last')).rejects.toThrow('--round: expected a round number (1, 2, ...), found "last"');
  });

  it('names a damaged stored model instead of exporting it', async () => {
    dir = tempDir();
    const plan = testPlan({ rounds: 1 });
    coord = await startTestCoordinator(plan, join(dir.path, 'data'));
    const site = await joinSite(coord, 'A');
    const status = await site.client.round();
    const global = await globalWeights(site, status.globalModelHash);
    await sendUpdate(coord.url, site, 1, await updateEnvelope(plan, site, 1, status.globalModelHash, constantDelta(global, 0.01)));
    const final = await site.client.waitForRound(1, 10);
    await coord.close();
    coord = null;
    const blob = join(dataPaths(join(dir.path, 'data')).blobs, final.globalModelHash.slice(0, 2), final.globalModelHash);
    const bytes = readFileSync(blob);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(blob, bytes);
    await expect(exportTo(join(dir.path, 'model.json'))).rejects.toThrow(expect.objectContaining({ code: 'BLOB_CORRUPT', message: expect.stringContaining(final.globalModelHash) }));
  });
});
