/** Which of the federation's sites a round counts and which it waits for. */
import { isWaitedFor } from '../core/protocol/isWaitedFor.ts';
import type { SiteRecord } from './storage/federationStore.ts';

/** the sites that are active (joined, not revoked): their updates count */
export function activeOf(sites: readonly SiteRecord[]): Set<string> {
  return new Set(sites.filter((s) => s.status === 'active').map((s) => s.id));
}

/**
 * The sites a round waits for: the active ones, less those that said they stopped taking
 * part. Under secure aggregation the same, phase by phase: a stopped site missing from a
 * phase is a site that dropped out there, which the protocol survives (secAggSession.ts).
 */
export function expectedOf(sites: readonly SiteRecord[]): Set<string> {
  return new Set(sites.filter(isWaitedFor).map((s) => s.id));
}
