/**
 * Whether the rounds wait for a site: it joined, is not revoked, and has not said it stopped
 * taking part (Stop, a closed tab, Ctrl-C). The coordinator decides its rounds by it, and
 * the operator's view says whom a round waits for by it.
 */
export function isWaitedFor(site: { readonly status: string; readonly pausedAt: number | null }): boolean {
  return site.status === 'active' && site.pausedAt === null;
}
