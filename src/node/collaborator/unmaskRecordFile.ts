/**
 * `fedseg collaborate`'s secure-aggregation memory on disk, beside its key file
 * (`<key file>.unmasked.json`): the latest round this site answered an unmask request in,
 * and for which survivors. A collaborator restarted during a round trains and masks the
 * round again; with this file it sits that round out (secureUpload.ts). Written to a
 * temporary file, flushed, then renamed over the old one.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { UnmaskRecord } from '../../core/protocol/client/secureUpload.ts';
import { FedsegError } from '../../core/util/errors.ts';

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
      const tmp = `${file}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(body) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(tmp, 0o600); // a leftover .tmp keeps the mode it was made with
      renameSync(tmp, file);
    },
  };
}
