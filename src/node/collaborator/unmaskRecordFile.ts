/**
 * `fedseg collaborate`'s secure-aggregation memory on disk, beside its key file
 * (`<key file>.unmasked.json`): the latest round this site answered an unmask request in,
 * and for which survivors. A collaborator restarted during a round trains and masks the
 * round again; with this file it sits that round out (secureUpload.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { UnmaskRecord } from '../../core/protocol/client/secureUpload.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { replaceFileWhole } from '../replaceFileWhole.ts';

const UnmaskedFileSchema = z.object({
  version: z.literal(1),
  siteId: z.string(),
  planHash: z.string(),
  round: z.number().int().nonnegative(),
  survivors: z.array(z.string()),
}).strict();

/** the record's file for a key file */
export function unmaskedFileFor(keyFile: string): string {
  return `${keyFile}.unmasked.json`;
}

export function unmaskRecordFile(file: string, siteId: string, planHash: string): UnmaskRecord {
  return {
    async latest() {
      if (!existsSync(file)) return null;
      let parsed: z.infer<typeof UnmaskedFileSchema>;
      try {
        parsed = UnmaskedFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch (e) {
        // refusing to run is safer than forgetting: without it a second sum could be unmasked
        throw new FedsegError('UNMASK_FILE_INVALID', `${file}: expected the JSON fedseg wrote (version 1, siteId, planHash, round, survivors), found ${e instanceof SyntaxError ? `unreadable text (${e.message})` : 'other fields'}; delete it only if this site takes part in no round now`);
      }
      return parsed.siteId === siteId && parsed.planHash === planHash ? { round: parsed.round, survivors: parsed.survivors } : null;
    },
    async save(round, survivors) {
      const body: z.infer<typeof UnmaskedFileSchema> = { version: 1, siteId, planHash, round, survivors: [...survivors] };
      replaceFileWhole(file, JSON.stringify(body) + '\n');
    },
  };
}
