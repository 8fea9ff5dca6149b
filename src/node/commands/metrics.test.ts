import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../sharedData.ts';

const SEG = sharedData('brats', 'BraTS19_TCIA08_105_1_seg_');

function fedseg(...args: string[]) {
  return spawnSync(process.execPath, ['bin/fedseg.mjs', 'metrics', ...args], { encoding: 'utf8' });
}

describe('fedseg metrics', () => {
  it('prints per-region Dice and HD95 as JSON for the real BraTS prediction', () => {
    const r = fedseg('--truth', `${SEG}GroundTruth.nii.gz`, '--pred', `${SEG}Consensus.nii.gz`, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { dice: Record<string, number>; hd95: Record<string, number> };
    expect(out.dice.ET!.toFixed(3)).toBe('0.919');
    expect(out.dice.TC!.toFixed(3)).toBe('0.958');
    expect(out.dice.WT!.toFixed(3)).toBe('0.908');
    expect(out.hd95.TC).toBeCloseTo(2, 6);
  });

  it('prints a table, and fails naming the file on grid mismatch or a missing option', () => {
    const t = fedseg('--truth', `${SEG}GroundTruth.nii.gz`, '--pred', `${SEG}PIM.nii.gz`);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^ET\s+0\.8812\s+1\.41$/m);
    const bad = fedseg('--truth', sharedData('ami', 'adi_slice.nii'), '--pred', `${SEG}PIM.nii.gz`);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/seg_PIM\.nii\.gz on the grid of .*adi_slice\.nii \(192x192x1\), found 240x240x155 \[METRICS_GRID_MISMATCH\]/);
    expect(fedseg('--truth', `${SEG}PIM.nii.gz`).status).toBe(2);
  });
});
