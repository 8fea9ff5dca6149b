/**
 * The coordinator's real stores (SQLite, blob folder) on a disk that can fill up: for the
 * tests of what a failed write leaves behind. Nothing is faked but the ENOSPC.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getPreset } from '../../core/model/modelPresets.ts';
import { unetPlan } from '../../core/model/unetSpec.ts';
import { planHash, type Plan } from '../../core/protocol/plan.ts';
import { createApp } from '../createApp.ts';
import { operatorTokenFor } from '../operatorToken.ts';
import { Federation } from '../federation.ts';
import { federationAlgorithms } from '../federationAlgorithms.ts';
import { initialModel } from '../initialModel.ts';
import { createSiteInvite, type Invite } from '../siteInvites.ts';
import { BlobStore } from '../storage/blobStore.ts';
import type { RoundStatus } from '../storage/federationStore.ts';
import { SqliteStore } from '../storage/sqliteStore.ts';

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

/** One disk under both stores. It fills up as soon as the next update record is on it, when asked to. */
export class Disk {
  full = false;
  fillAfterNextUpdate = false;
  /** round-status writes fail too while full (SQLite's own pages) */
  statusWritesFail = true;
  /** update records fail too while full */
  recordsFail = false;
  /** every update record asked for, written or not: round/site */
  readonly recordsAsked: string[] = [];
}

/** The real blob folder, refusing writes while the disk is full. */
export class FillableBlobs extends BlobStore {
  constructor(dir: string, private readonly disk: Disk) {
    super(dir);
  }
  override put(bytes: Uint8Array): Promise<string> {
    return this.disk.full ? Promise.reject(diskFull()) : super.put(bytes);
  }
}

/** The real SQLite store; its round-status writes fail while the disk is full. */
export class FillableStore extends SqliteStore {
  constructor(file: string, private readonly disk: Disk) {
    super(file);
  }
  override async recordUpdate(...args: Parameters<SqliteStore['recordUpdate']>): ReturnType<SqliteStore['recordUpdate']> {
    this.disk.recordsAsked.push(`${args[0].round}/${args[0].siteId}`);
    if (this.disk.full && this.disk.recordsFail) throw diskFull();
    const r = await super.recordUpdate(...args);
    if (this.disk.fillAfterNextUpdate) this.disk.full = true;
    return r;
  }
  override setRoundStatus(n: number, status: RoundStatus): Promise<void> {
    return this.disk.full && this.disk.statusWritesFail && status === 'collecting' ? Promise.reject(diskFull()) : super.setRoundStatus(n, status);
  }
}

export interface FillableFederation {
  readonly federation: Federation;
  readonly store: FillableStore;
  readonly disk: Disk;
  readonly log: string[];
  /** the HTTP API on loopback, once serve() was called */
  url: string;
  readonly operatorToken: string;
  invite(name: string): Promise<Invite>;
  /** serves the federation's API on a loopback port (and runs its round clock) */
  serve(): Promise<string>;
  close(): Promise<void>;
}

/** A federation as startCoordinator opens it, on a fillable disk under `dir`. */
export async function openFillableFederation(plan: Plan, dir: string, now?: () => number): Promise<FillableFederation> {
  mkdirSync(dir, { recursive: true });
  const disk = new Disk();
  const store = new FillableStore(join(dir, 'federation.sqlite'), disk);
  const blobs = new FillableBlobs(join(dir, 'blobs'), disk);
  const preset = getPreset(plan.model.preset);
  const log: string[] = [];
  const federation = await Federation.open({
    store, blobs, plan, planHash: await planHash(plan), spec: unetPlan(preset).params.map((p) => ({ name: p.name, shape: [...p.shape] })),
    algorithms: federationAlgorithms(plan), initialWeights: async () => initialModel(preset, plan.model.seed), log: (l) => log.push(l),
    ...(now ? { now } : {}),
  });
  let server: ReturnType<typeof serve> | null = null;
  const f: FillableFederation = {
    federation, store, disk, log, url: '', operatorToken: operatorTokenFor(dir),
    invite: (name) => createSiteInvite(store, name, f.url || 'http://127.0.0.1'),
    async serve() {
      const app = createApp({ federation, store, staticRoot: null, operatorToken: f.operatorToken, log: (l) => log.push(l) });
      await new Promise<void>((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
      });
      f.url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      federation.startClock(50);
      return f.url;
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      (server as { closeAllConnections?: () => void } | null)?.closeAllConnections?.();
      await federation.close();
      await store.close();
    },
  };
  return f;
}
