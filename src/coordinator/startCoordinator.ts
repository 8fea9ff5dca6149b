/**
 * Starts a coordinator: opens (or creates) the federation in the data folder, serves
 * the API and the page, and runs the round clock. Used by `fedseg coordinator`, the
 * tests and the simulator.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { parsePlan, planHash as hashPlan, type Plan } from '../core/protocol/plan.ts';
import { getPreset } from '../core/model/modelPresets.ts';
import { weightSpecOf } from '../core/model/unetSpec.ts';
import { FedsegError } from '../core/util/errors.ts';
import { createApp, type AppOptions } from './createApp.ts';
import { DataFolderLock } from './dataFolderLock.ts';
import { MAX_BODY_MS } from './requestAuth.ts';
import { withSecurityHeaders } from './securityHeaders.ts';
import { initialModel } from './initialModel.ts';
import { operatorTokenFor } from './operatorToken.ts';
import { Federation } from './federation.ts';
import { createSiteInvite, type Invite } from './siteInvites.ts';
import { federationAlgorithms } from './federationAlgorithms.ts';
import { BlobStore } from './storage/blobStore.ts';
import { SqliteStore } from './storage/sqliteStore.ts';

export interface CoordinatorOptions {
  /** the plan; may be omitted when the data folder already holds a federation */
  readonly plan?: Plan;
  readonly dataDir: string;
  /** 0 picks a free port */
  readonly port?: number;
  readonly host?: string;
  /** folder of the built page; null serves none */
  readonly staticRoot?: string | null;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  /** how often deadlines are checked, ms */
  readonly clockMs?: number;
  /** limits on anonymous long polls and event streams (createApp's defaults otherwise) */
  readonly maxWaiting?: number;
  readonly maxWaitingPerAddress?: number;
  readonly eventStreamLifetimeMs?: number;
  /** how long a JSON message's body may take (createApp's default otherwise) */
  readonly jsonBodyMs?: number;
}

export interface RunningCoordinator {
  readonly url: string;
  readonly port: number;
  readonly federation: Federation;
  /** the bearer token of the operator's view, GET /api/v1/status (operatorToken.ts) */
  readonly operatorToken: string;
  /** how long the HTTP server lets one request take, body included (Node's requestTimeout) */
  readonly requestTimeoutMs: number;
  /** a one-time invite for a new site (as `fedseg invite` makes) */
  invite(siteName: string): Promise<Invite>;
  close(): Promise<void>;
}

/** The database file and blob folder inside a data folder. */
export function dataPaths(dataDir: string): { db: string; blobs: string } {
  return { db: join(dataDir, 'federation.sqlite'), blobs: join(dataDir, 'blobs') };
}

export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = opts.log ?? ((line: string) => console.log(`[coordinator] ${line}`));
  mkdirSync(opts.dataDir, { recursive: true });
  const paths = dataPaths(opts.dataDir);
  const lock = DataFolderLock.take(opts.dataDir);
  let operatorToken: string;
  let store: SqliteStore;
  try {
    operatorToken = operatorTokenFor(opts.dataDir); // before anything that runs (a clock, a port) could be left behind
    store = new SqliteStore(paths.db);
  } catch (e) {
    lock.release();
    throw e;
  }
  let federation: Federation | null = null;
  try {
    const stored = await store.federation();
    const plan = opts.plan ?? (stored ? parsePlan(JSON.parse(stored.planJson), `${paths.db} (stored plan)`) : null);
    if (!plan) throw new FedsegError('PLAN_REQUIRED', `${opts.dataDir} holds no federation yet: give a plan (--plan plan.json)`);
    const preset = getPreset(plan.model.preset);
    const spec = weightSpecOf(preset);
    federation = await Federation.open({
      store,
      blobs: new BlobStore(paths.blobs),
      plan,
      planHash: await hashPlan(plan),
      spec,
      algorithms: federationAlgorithms(plan),
      initialWeights: async () => initialModel(preset, plan.model.seed),
      log,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const app = createApp({ federation, store, operatorToken, staticRoot: opts.staticRoot ?? null, log, ...(opts.now ? { now: opts.now } : {}), ...waitLimits(opts) });
    const host = opts.host ?? '127.0.0.1';
    const server = await listen(withSecurityHeaders(app.fetch), opts.port ?? 8080, host);
    // the round clock runs once the port is ours: a start that failed leaves none ticking
    federation.startClock(opts.clockMs);
    const running = federation;
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
      url,
      port,
      federation: running,
      operatorToken,
      requestTimeoutMs: (server as { requestTimeout?: number }).requestTimeout ?? 0,
      invite: (siteName) => createSiteInvite(store, siteName, url),
      async close() {
        try {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          });
          await running.close();
          await store.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (e) {
    try {
      await federation?.close();
      await store.close();
    } finally {
      lock.release();
    }
    throw e;
  }
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // Node ends a request whose body takes longer than requestTimeout (300 s by default) with a
    // bare 408: an update on a slow link gets the MAX_BODY_MS that requestAuth allows it instead
    const server = serve({ fetch, port, hostname, serverOptions: { requestTimeout: MAX_BODY_MS + 60_000 } }, () => resolve(server));
    server.once('error', reject);
  });
}

/** the wait limits that were given, so createApp's defaults hold for the others */
function waitLimits(opts: CoordinatorOptions): Pick<AppOptions, 'maxWaiting' | 'maxWaitingPerAddress' | 'eventStreamLifetimeMs' | 'jsonBodyMs'> {
  const { maxWaiting, maxWaitingPerAddress, eventStreamLifetimeMs, jsonBodyMs } = opts;
  return {
    ...(jsonBodyMs !== undefined ? { jsonBodyMs } : {}),
    ...(maxWaiting !== undefined ? { maxWaiting } : {}),
    ...(maxWaitingPerAddress !== undefined ? { maxWaitingPerAddress } : {}),
    ...(eventStreamLifetimeMs !== undefined ? { eventStreamLifetimeMs } : {}),
  };
}
