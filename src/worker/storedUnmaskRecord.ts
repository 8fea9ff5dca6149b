/**
 * The page's secure-aggregation memory (secureUpload's UnmaskRecord) in this browser's
 * IndexedDB (siteStore): the latest round this site answered an unmask request in, for
 * its identity and plan. The collaborator's twin is a file (unmaskRecordFile.ts).
 */
import type { UnmaskRecord } from '../core/protocol/client/secureUpload.ts';
import { siteStore } from './siteStore.ts';

export function storedUnmaskRecord(baseUrl: string, siteId: string, planHash: string): UnmaskRecord {
  return {
    latest: async () => {
      const u = await siteStore.getUnmasked(baseUrl);
      return u && u.siteId === siteId && u.planHash === planHash ? { round: u.round, survivors: u.survivors } : null;
    },
    save: async (round, survivors) => {
      await siteStore.putUnmasked({ baseUrl, siteId, planHash, round, survivors: [...survivors] });
    },
  };
}
