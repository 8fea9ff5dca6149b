/**
 * The phases of a participation under way, in the order a round goes through them. While
 * the site is in one, the Worker trains on its cases as they were when it started, so the
 * Scans tab cannot change them (the Worker refuses too: SITE_BUSY).
 */
import type { SitePhase } from '../../worker/workerApi.ts';

export const TAKING_PART: readonly SitePhase[] = ['preparing', 'loading', 'validating', 'training', 'uploading', 'waiting'];

export function isTakingPart(phase: SitePhase): boolean {
  return TAKING_PART.includes(phase);
}
