/**
 * Synthetic training cases for the demo, made inside the Worker from N's seeded
 * phantom generator (no file leaves or enters the page).
 */
import { syntheticCase } from '../core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../core/synthetic/siteProfiles.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { prepareCase } from '../io/prepareCase.ts';

/** `count` synthetic cases of `size`^3 voxels, prepared for a model with `patchSize` patches. */
export function demoCases(count: number, size: number, patchSize: number, seed: number): TrainingCase[] {
  const out: TrainingCase[] = [];
  for (let i = 0; i < count; i++) {
    const profile = SITE_PROFILES[i % SITE_PROFILES.length];
    const imaging = syntheticCase({ seed: seed * 1000 + i, size, id: `demo-${i + 1}`, ...(profile ? { profile } : {}) });
    out.push(prepareCase(imaging, { patchSize }));
  }
  return out;
}
