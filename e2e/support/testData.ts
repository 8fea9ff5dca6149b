/**
 * Test folders for the page's specs, written by Node: the real BraTS case (from
 * ../shared/data/brats beside the repository, see src/node/sharedData.ts),
 * synthetic BraTS-like cases as NIfTI, and a folder of broken files.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCase } from '../../src/core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../../src/core/synthetic/siteProfiles.ts';
import { SEQUENCES } from '../../src/core/types/sequences.ts';
import { sharedData } from '../../src/node/sharedData.ts';
import { writeBratsNamedCase } from '../../src/node/writeSampleScans.ts';

export const BRATS_CASE = 'BraTS19_TCIA08_105_1';

export function bratsFolder(): string {
  const dir = sharedData('brats');
  if (!existsSync(join(dir, `${BRATS_CASE}_t1.nii.gz`))) throw new Error(`the real BraTS case ${BRATS_CASE} was not found in ${dir}`);
  return dir;
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
    files.push(...writeBratsNamedCase(dir, syntheticCase({ seed: seed * 100 + i, size, id, profile: SITE_PROFILES[i % SITE_PROFILES.length]! })));
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
