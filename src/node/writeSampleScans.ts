/**
 * Sample scans for a visitor with no data at hand: synthetic BraTS-like cases written
 * as BraTS-named NIfTI files (`<case>/<case>_t1.nii.gz`, ..., `<case>_seg.nii.gz`), one
 * case per simulated hospital profile, ready to be chosen in the page's folder picker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITE_PROFILES } from '../core/synthetic/siteProfiles.ts';
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import { SEQUENCES } from '../core/types/sequences.ts';
import { writeNifti, writeNiftiLabels } from '../io/nifti/writeNifti.ts';

/** Writes `count` cases of `size`^3 voxels under `folder`; returns the case folders. */
export function writeSampleScans(folder: string, count = 3, size = 48, seed = 500): string[] {
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const profile = SITE_PROFILES[i % SITE_PROFILES.length]!;
    const id = `Sample_${String(i + 1).padStart(3, '0')}`;
    const c = syntheticCase({ seed: seed + i, size, profile, id });
    const dir = join(folder, id);
    mkdirSync(dir, { recursive: true });
    for (const s of SEQUENCES) writeFileSync(join(dir, `${id}_${s}.nii.gz`), writeNifti(c.images[s], { gzip: true }));
    if (c.label) writeFileSync(join(dir, `${id}_seg.nii.gz`), writeNiftiLabels(c.label.data, c.label, { gzip: true }));
    written.push(dir);
  }
  return written;
}
