/**
 * `fedseg invite --site NAME [--data DIR] [--url URL]`: a one-time invite URL.
 * `fedseg invite --revoke SITE_ID [--data DIR]`: revokes a site.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FedsegError } from '../../core/util/errors.ts';
import { createSiteInvite, revokeSiteOnce } from '../../coordinator/siteInvites.ts';
import type { Command } from '../command.ts';
import { openFederationStore } from '../openFederationStore.ts';

const usage = `fedseg invite --site NAME [--data DIR] [--url URL] [--json]
fedseg invite --revoke SITE_ID [--data DIR]

Creates a one-time invite for a site and prints its URL. The site opens the URL (or runs
\`fedseg collaborate --url URL --invite TOKEN\`), sees the plan, and joins with a key
it creates; the token works once and only its hash is stored. Works while the
coordinator runs (same --data folder).

Options:
  --site NAME       the site's name as the operator knows it ("Hospital A")
  --data DIR        the coordinator's data folder (default ./fedseg-data)
  --url URL         the coordinator's address as sites reach it (default http://127.0.0.1:8080)
  --json            print {siteId, token, url} as JSON
  --revoke SITE_ID  revoke a site: its requests are refused from now on`;

export const inviteCommand: Command = {
  summary: 'invite a site (prints a one-time URL), or revoke one',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        site: { type: 'string' },
        data: { type: 'string', default: 'fedseg-data' },
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        json: { type: 'boolean', default: false },
        revoke: { type: 'string' },
      },
      strict: true,
    });
    const dir = resolve(values.data);
    // never a new database: an invite into a folder no coordinator runs on could never be used
    const store = await openFederationStore(dir);
    try {
      if (values.revoke) {
        const outcome = await revokeSiteOnce(store, values.revoke);
        if (outcome === 'unknown') {
          throw new FedsegError('UNKNOWN_SITE', `--revoke: expected a site id of this federation (fedseg status lists them), found "${values.revoke}", which no site in ${dir} has`);
        }
        // revoking twice is no error: the site is revoked, as asked
        console.log(outcome === 'already' ? `site ${values.revoke} was already revoked` : `site ${values.revoke} revoked`);
        return 0;
      }
      const name = values.site?.trim();
      if (!name || name.length > 200) throw new FedsegError('BAD_OPTION', '--site: expected a site name of 1-200 characters');
      const { siteId, token, url } = await createSiteInvite(store, name, values.url);
      if (values.json) console.log(JSON.stringify({ siteId, siteName: name, token, url }));
      else {
        console.log(`Invite for "${name}" (site id ${siteId}); it works once:`);
        console.log(`  ${url}`);
        console.log(`headless: fedseg collaborate --url ${values.url} --invite=${token} --key-file site-key.json --data FOLDER`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
