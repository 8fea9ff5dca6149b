/**
 * Sample scans for a visitor with no data at hand: synthetic BraTS-like cases written
 * as BraTS-named NIfTI files (`<case>/<case>_t1.nii.gz`, ..., `<case>_seg.nii.gz`), one
 * case per simulated hospital profile, ready to be chosen in the page's folder picker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITE_PROFILES } from '../core/synthetic/siteProfiles.ts';
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import type { ImagingCase } from '../core/types/case.ts';
import { SEQUENCES } from '../core/types/sequences.ts';
import { writeNifti, writeNiftiLabels } from '../io/nifti/writeNifti.ts';

/** Writes one case as BraTS-named .nii.gz files in `dir/<id>/`; returns the files written. */
export function writeBratsNamedCase(dir: string, c: ImagingCase): string[] {
  const caseDir = join(dir, c.id);
  mkdirSync(caseDir, { recursive: true });
  const files: string[] = [];
  const write = (suffix: string, bytes: Uint8Array) => {
    const f = join(caseDir, `${c.id}_${suffix}.nii.gz`);
    writeFileSync(f, bytes);
    files.push(f);
  };
  for (const s of SEQUENCES) write(s, writeNifti(c.images[s], { gzip: true }));
  if (c.label) write('seg', writeNiftiLabels(c.label.data, c.label, { gzip: true }));
  return files;
}

/** Writes `count` cases of `size`^3 voxels under `folder`; returns the case folders. */
export function writeSampleScans(folder: string, count = 3, size = 48, seed = 500): string[] {
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const profile = SITE_PROFILES[i % SITE_PROFILES.length]!;
    const id = `Sample_${String(i + 1).padStart(3, '0')}`;
    writeBratsNamedCase(folder, syntheticCase({ seed: seed + i, size, profile, id }));
    written.push(join(folder, id));
  }
  return written;
}
