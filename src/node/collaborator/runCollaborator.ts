/**
 * The headless collaborator: the page's federated loop (runSite, from src/core) in a
 * Node process. Loads the site's cases for the plan's model, joins with an invite (or
 * reuses --key-file), and runs rounds until the federation finishes, or until it is
 * stopped: then it tells the coordinator, as the page's Stop does.
 */
import type { Plan } from '../../core/protocol/plan.ts';
import { ProtocolClient, type RetryPolicy } from '../../core/protocol/client/protocolClient.ts';
import { MemoryModelCache } from '../../core/protocol/client/modelCache.ts';
import { runSite, type RunSiteResult, type SiteData, type SiteEvent } from '../../core/protocol/client/runSite.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { loadKeyFile, newSiteKeys, saveKeyFile } from './siteKeyFile.ts';
import { unmaskedFileFor, unmaskRecordFile } from './unmaskRecordFile.ts';

export interface CollaboratorOptions {
  readonly url: string;
  /** one-time invite token (not needed when keyFile already holds an identity) */
  readonly invite?: string;
  readonly keyFile?: string;
  /** the site's cases, loaded once the plan (and so the model's patch size) is known */
  readonly data: (plan: Plan) => Promise<SiteData> | SiteData;
  readonly seed?: number;
  readonly onEvent?: (e: SiteEvent) => void;
  /** aborted: the site stops (at the next step) and tells the coordinator it stopped taking part */
  readonly signal?: AbortSignal;
  /** after an abort: whether the coordinator was told */
  readonly onStopped?: (told: boolean) => void;
  readonly stopBeforeTrainingRound?: number;
  readonly pollSeconds?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly backendName?: string;
}

export interface CollaboratorResult extends RunSiteResult {
  readonly siteId: string;
}

export async function runCollaborator(opts: CollaboratorOptions): Promise<CollaboratorResult> {
  const stored = opts.keyFile ? await loadKeyFile(opts.keyFile) : null;
  const client = new ProtocolClient({
    baseUrl: opts.url,
    cache: new MemoryModelCache(2),
    ...(stored ? { credentials: { siteId: stored.siteId, privateKey: stored.privateKey } } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const { plan, planHash } = await client.plan();
  // the cases first: a wrong --data or --synthetic must not use up the one-time invite
  const data = await opts.data(plan);
  if (stored) {
    await client.me(); // fails plainly (UNKNOWN_SITE, SITE_REVOKED) when the stored identity no longer works
  } else {
    if (!opts.invite) throw new FedsegError('INVITE_REQUIRED', 'this site has not joined yet: give --invite TOKEN (from `fedseg invite`)');
    const { keys, privateJwk } = await newSiteKeys();
    const joined = await client.join(opts.invite, keys, planHash, { kind: 'node', ...(opts.backendName ? { backend: opts.backendName } : {}) });
    if (opts.keyFile) saveKeyFile(opts.keyFile, opts.url, joined.siteId, privateJwk);
  }
  try {
    return await runTheSite(opts, client, plan, planHash, data);
  } finally {
    // stopped (Ctrl-C): the rounds no longer wait for this site; told within 3 s or not at all (whoever pressed Ctrl-C should not wait longer)
    if (opts.signal?.aborted && client.credentials) {
      await client.withSignal(AbortSignal.timeout(3000)).setParticipation(false).then(
        () => opts.onStopped?.(true),
        () => opts.onStopped?.(false),
      );
    }
  }
}

async function runTheSite(opts: CollaboratorOptions, client: ProtocolClient, plan: Plan, planHash: string, data: SiteData): Promise<CollaboratorResult> {
  const result = await runSite({
    client, plan, planHash, data,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stopBeforeTrainingRound !== undefined ? { stopBeforeTrainingRound: opts.stopBeforeTrainingRound } : {}),
    ...(opts.pollSeconds !== undefined ? { pollSeconds: opts.pollSeconds } : {}),
    // a restarted collaborator sits out the round it answered an unmask request in (no second sum)
    ...(opts.keyFile ? { unmaskRecord: unmaskRecordFile(unmaskedFileFor(opts.keyFile), client.credentials!.siteId, planHash) } : {}),
  });
  return { ...result, siteId: client.credentials!.siteId };
}
