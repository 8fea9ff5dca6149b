/**
 * Test folders for the page's specs, written by Node: the real BraTS case (from
 * ../shared/data/brats relative to the repository root, or /work/shared/data/brats),
 * synthetic BraTS-like cases as NIfTI, and a folder of broken files.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticCase } from '../../src/core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../../src/core/synthetic/siteProfiles.ts';
import { SEQUENCES } from '../../src/core/types/sequences.ts';
import { writeNifti, writeNiftiLabels } from '../../src/io/nifti/writeNifti.ts';
import { REPO_ROOT } from './pageServer.ts';

export const BRATS_CASE = 'BraTS19_TCIA08_105_1';

export function bratsFolder(): string {
  for (const p of [resolve(REPO_ROOT, '..', 'shared', 'data', 'brats'), '/work/shared/data/brats']) {
    if (existsSync(join(p, `${BRATS_CASE}_t1.nii.gz`))) return p;
  }
  throw new Error(`the real BraTS case was not found in ${resolve(REPO_ROOT, '..', 'shared', 'data', 'brats')}`);
}

export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies the BraTS case's four sequences and its expert label into `dir/<case>/`. */
export function writeBratsCase(dir: string): string[] {
  const src = bratsFolder();
  const caseDir = join(dir, BRATS_CASE);
  mkdirSync(caseDir, { recursive: true });
  const names = [...SEQUENCES.map((s) => `${BRATS_CASE}_${s}.nii.gz`), `${BRATS_CASE}_seg_GroundTruth.nii.gz`];
  for (const n of names) copyFileSync(join(src, n), join(caseDir, n));
  return names.map((n) => join(caseDir, n));
}

/** Writes `count` synthetic cases (size^3, four sequences and a label) into `dir/synthetic-N/`. */
export function writeSyntheticCases(dir: string, count: number, size = 32, seed = 7): string[] {
  const files: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `synthetic-${i}`;
    const c = syntheticCase({ seed: seed * 100 + i, size, id, profile: SITE_PROFILES[i % SITE_PROFILES.length]! });
    const caseDir = join(dir, id);
    mkdirSync(caseDir, { recursive: true });
    for (const s of SEQUENCES) {
      const f = join(caseDir, `${id}_${s}.nii.gz`);
      writeFileSync(f, writeNifti(c.images[s], { gzip: true }));
      files.push(f);
    }
    const f = join(caseDir, `${id}_seg.nii.gz`);
    writeFileSync(f, writeNiftiLabels(c.label!.data, c.label!, { gzip: true }));
    files.push(f);
  }
  return files;
}

/** Broken files beside good cases: a truncated NIfTI, random bytes, a text file, a case without FLAIR. */
export function writeBadFiles(dir: string): void {
  const bad = join(dir, 'broken');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'truncated_t1.nii.gz'), new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  writeFileSync(join(bad, 'garbage_t2.nii'), Uint8Array.from({ length: 600 }, (_, i) => (i * 37) & 0xff));
  writeFileSync(join(bad, 'notes.txt'), 'not a scan\n');
}
