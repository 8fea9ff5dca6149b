/**
 * FederationStore on SQLite (better-sqlite3 12, WAL mode, synchronous=FULL so that an
 * acknowledged write survives kill -9 and power loss alike). Every transaction begins
 * IMMEDIATE: most read and then write, and `fedseg invite` writes from another process,
 * so a deferred one could find its snapshot stale at its first write (SQLITE_BUSY_SNAPSHOT,
 * which no busy timeout waits out); an immediate one waits for the other writer instead.
 */
import Database from 'better-sqlite3';
import type {
  AuditEntry, EvaluationRecord, FederationInfo, FederationStore, NewAudit, RoundRecord, RoundStatus,
  SiteRecord, SiteStatus, UpdateRecord,
} from './federationStore.ts';
import type { RegionScores } from '../../core/types/labels.ts';
import { FedsegError } from '../../core/util/errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS federation (
  id INTEGER PRIMARY KEY CHECK (id = 1), plan_json TEXT NOT NULL, plan_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, invite_token_hash TEXT UNIQUE,
  public_key TEXT, invited_at INTEGER NOT NULL, joined_at INTEGER, last_seen INTEGER, paused_at INTEGER);
CREATE TABLE IF NOT EXISTS nonces (
  site_id TEXT NOT NULL, nonce TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (site_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_at ON nonces (at);
CREATE TABLE IF NOT EXISTS rounds (
  round INTEGER PRIMARY KEY, status TEXT NOT NULL, global_model TEXT NOT NULL, opened_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL, extensions INTEGER NOT NULL DEFAULT 0, closed_at INTEGER, result_model TEXT, summary TEXT);
CREATE TABLE IF NOT EXISTS updates (
  round INTEGER NOT NULL, site_id TEXT NOT NULL, payload_hash TEXT NOT NULL, base_model TEXT NOT NULL,
  sample_count INTEGER NOT NULL, codec TEXT NOT NULL, bytes INTEGER NOT NULL, metrics TEXT NOT NULL,
  received_at INTEGER NOT NULL, seq INTEGER NOT NULL, norm REAL, PRIMARY KEY (round, site_id));
CREATE TABLE IF NOT EXISTS evaluations (
  round INTEGER NOT NULL, site_id TEXT NOT NULL, model_hash TEXT NOT NULL, cases INTEGER NOT NULL,
  dice TEXT NOT NULL, hd95 TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (round, site_id));
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, site_id TEXT, action TEXT NOT NULL,
  round INTEGER, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_action ON audit (action);
`;

interface SiteRow { id: string; name: string; status: string; public_key: string | null; invited_at: number; joined_at: number | null; last_seen: number | null; paused_at: number | null }
interface RoundRow {
  round: number; status: string; global_model: string; opened_at: number; deadline: number; extensions: number;
  closed_at: number | null; result_model: string | null; summary: string | null;
}
interface UpdateRow {
  round: number; site_id: string; payload_hash: string; base_model: string; sample_count: number; codec: string;
  bytes: number; metrics: string; received_at: number; norm: number | null;
}

/** Columns added since the first release, added to a database made before them (no value in old rows). */
const ADDED_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  { table: 'updates', column: 'norm', type: 'REAL' },
  { table: 'sites', column: 'last_seen', type: 'INTEGER' },
  { table: 'sites', column: 'paused_at', type: 'INTEGER' },
];
interface EvaluationRow { round: number; site_id: string; model_hash: string; cases: number; dice: string; hd95: string; received_at: number }
interface AuditRow { id: number; at: number; site_id: string | null; action: string; round: number | null; detail: string }

/** A database file that SQLite cannot open or use, named with SQLite's reason. */
export function storeUnreadable(file: string, e: unknown): FedsegError {
  return new FedsegError('STORE_UNREADABLE', `${file}: expected a coordinator's SQLite database, found one that could not be opened (${e instanceof Error ? e.message : String(e)})`);
}

export class SqliteStore implements FederationStore {
  private readonly db: Database.Database;

  /**
   * Opens (or creates) the database. One that cannot be opened or set up (not a database, a
   * read-only folder) is closed again, and STORE_UNREADABLE names the file and SQLite's reason.
   */
  constructor(file: string) {
    try {
      this.db = new Database(file);
    } catch (e) {
      throw storeUnreadable(file, e);
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
      for (const { table, column, type } of ADDED_COLUMNS) {
        // checked and added in one write transaction: two processes opening an older database
        // at once (the coordinator and fedseg invite) add it once
        this.db.transaction(() => {
          const has = (this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
          if (!has) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
        }).immediate();
      }
    } catch (e) {
      this.db.close();
      throw storeUnreadable(file, e);
    }
  }

  async federation(): Promise<FederationInfo | null> {
    const r = this.db.prepare('SELECT plan_json, plan_hash, created_at FROM federation WHERE id = 1').get() as
      | { plan_json: string; plan_hash: string; created_at: number }
      | undefined;
    return r ? { planJson: r.plan_json, planHash: r.plan_hash, createdAt: r.created_at } : null;
  }

  async initialise(info: FederationInfo, firstRound: RoundRecord): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO federation (id, plan_json, plan_hash, created_at) VALUES (1, ?, ?, ?)').run(info.planJson, info.planHash, info.createdAt);
      this.insertRound(firstRound);
      this.insertAudit({ at: info.createdAt, siteId: null, action: 'federation-created', round: null, detail: { planHash: info.planHash } });
      this.insertAudit({ at: info.createdAt, siteId: null, action: 'round-opened', round: firstRound.round, detail: { globalModel: firstRound.globalModel, deadline: firstRound.deadline } });
    }).immediate();
  }

  async createInvite(site: { id: string; name: string; tokenHash: string; at: number }): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO sites (id, name, status, invite_token_hash, invited_at) VALUES (?, ?, 'invited', ?, ?)").run(site.id, site.name, site.tokenHash, site.at);
      this.insertAudit({ at: site.at, siteId: site.id, action: 'invited', round: null, detail: { name: site.name } });
    }).immediate();
  }

  async redeemInvite(tokenHash: string, publicKey: Readonly<Record<string, unknown>>, at: number, client?: Readonly<Record<string, unknown>>): Promise<{ site: SiteRecord; repeated: boolean } | null> {
    return this.db.transaction((): { site: SiteRecord; repeated: boolean } | null => {
      // the token hash stays on the site after it joined (revoking clears it): a retried join is recognised
      const row = this.db.prepare('SELECT * FROM sites WHERE invite_token_hash = ?').get(tokenHash) as SiteRow | undefined;
      if (!row) return null;
      if (row.status === 'active') {
        if (!sameKey(row.public_key, publicKey)) return null;
        this.insertAudit({ at, siteId: row.id, action: 'join-repeated', round: null, detail: {} });
        return { site: siteOf(row), repeated: true };
      }
      if (row.status !== 'invited') return null;
      this.db.prepare("UPDATE sites SET status = 'active', public_key = ?, joined_at = ? WHERE id = ?").run(JSON.stringify(publicKey), at, row.id);
      this.insertAudit({ at, siteId: row.id, action: 'joined', round: null, detail: { name: row.name, ...(client ? { client } : {}) } });
      return { site: siteOf(this.db.prepare('SELECT * FROM sites WHERE id = ?').get(row.id) as SiteRow), repeated: false };
    }).immediate();
  }

  async revokeSite(id: string, at: number): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.db.prepare("UPDATE sites SET status = 'revoked', invite_token_hash = NULL WHERE id = ? AND status != 'revoked'").run(id);
      if (r.changes > 0) this.insertAudit({ at, siteId: id, action: 'revoked', round: null, detail: {} });
      return r.changes > 0;
    }).immediate();
  }

  async setParticipation(id: string, participating: boolean, at: number): Promise<boolean> {
    return this.db.transaction(() => {
      const r = participating
        ? this.db.prepare("UPDATE sites SET paused_at = NULL WHERE id = ? AND status = 'active' AND paused_at IS NOT NULL").run(id)
        : this.db.prepare("UPDATE sites SET paused_at = ? WHERE id = ? AND status = 'active' AND paused_at IS NULL").run(at, id);
      if (r.changes > 0) this.insertAudit({ at, siteId: id, action: participating ? 'resumed' : 'paused', round: null, detail: {} });
      return r.changes > 0;
    }).immediate();
  }

  async siteOfInvite(tokenHash: string): Promise<SiteRecord | null> {
    const r = this.db.prepare('SELECT * FROM sites WHERE invite_token_hash = ?').get(tokenHash) as SiteRow | undefined;
    return r ? siteOf(r) : null;
  }

  async site(id: string): Promise<SiteRecord | null> {
    const r = this.db.prepare('SELECT * FROM sites WHERE id = ?').get(id) as SiteRow | undefined;
    return r ? siteOf(r) : null;
  }

  async sites(): Promise<SiteRecord[]> {
    return (this.db.prepare('SELECT * FROM sites ORDER BY invited_at, id').all() as SiteRow[]).map(siteOf);
  }

  async rememberNonce(siteId: string, nonce: string, at: number, forgetBefore: number): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM nonces WHERE at < ?').run(forgetBefore);
      const r = this.db.prepare('INSERT OR IGNORE INTO nonces (site_id, nonce, at) VALUES (?, ?, ?)').run(siteId, nonce, at);
      // every signed request takes a nonce: the site was seen (a replay was not the site)
      if (r.changes === 1) this.db.prepare('UPDATE sites SET last_seen = MAX(COALESCE(last_seen, 0), ?) WHERE id = ?').run(at, siteId);
      return r.changes === 1;
    }).immediate();
  }

  async rounds(): Promise<RoundRecord[]> {
    return (this.db.prepare('SELECT * FROM rounds ORDER BY round').all() as RoundRow[]).map(roundOf);
  }

  async round(n: number): Promise<RoundRecord | null> {
    const r = this.db.prepare('SELECT * FROM rounds WHERE round = ?').get(n) as RoundRow | undefined;
    return r ? roundOf(r) : null;
  }

  async currentRound(): Promise<RoundRecord | null> {
    const r = this.db.prepare('SELECT * FROM rounds ORDER BY round DESC LIMIT 1').get() as RoundRow | undefined;
    return r ? roundOf(r) : null;
  }

  async setRoundStatus(n: number, status: RoundStatus): Promise<void> {
    this.db.prepare('UPDATE rounds SET status = ? WHERE round = ?').run(status, n);
  }

  async extendRound(n: number, deadline: number, at: number, reason: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE rounds SET deadline = ?, extensions = extensions + 1 WHERE round = ?').run(deadline, n);
      this.insertAudit({ at, siteId: null, action: 'round-extended', round: n, detail: { deadline, reason } });
    }).immediate();
  }

  async closeRound(
    n: number,
    result: { resultModel: string; closedAt: number; summary: Record<string, unknown> },
    next: RoundRecord | null,
  ): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare("UPDATE rounds SET status = 'closed', closed_at = ?, result_model = ?, summary = ? WHERE round = ?").run(result.closedAt, result.resultModel, JSON.stringify(result.summary), n);
      this.insertAudit({ at: result.closedAt, siteId: null, action: 'aggregated', round: n, detail: { resultModel: result.resultModel, ...result.summary } });
      if (next) {
        this.insertRound(next);
        this.insertAudit({ at: next.openedAt, siteId: null, action: 'round-opened', round: next.round, detail: { globalModel: next.globalModel, deadline: next.deadline } });
      } else {
        this.insertAudit({ at: result.closedAt, siteId: null, action: 'federation-finished', round: n, detail: { finalModel: result.resultModel } });
      }
    }).immediate();
  }

  async recordUpdate(u: UpdateRecord): Promise<'new' | 'duplicate' | 'conflict'> {
    return this.db.transaction((): 'new' | 'duplicate' | 'conflict' => {
      const old = this.db.prepare('SELECT payload_hash FROM updates WHERE round = ? AND site_id = ?').get(u.round, u.siteId) as { payload_hash: string } | undefined;
      if (old) return old.payload_hash === u.payloadHash ? 'duplicate' : 'conflict';
      const seq = (this.db.prepare('SELECT COUNT(*) AS n FROM updates WHERE round = ?').get(u.round) as { n: number }).n;
      this.db
        .prepare('INSERT INTO updates (round, site_id, payload_hash, base_model, sample_count, codec, bytes, metrics, received_at, seq, norm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(u.round, u.siteId, u.payloadHash, u.baseModel, u.sampleCount, u.codec, u.bytes, JSON.stringify(u.metrics), u.receivedAt, seq, u.norm ?? null);
      this.db.prepare("UPDATE rounds SET status = 'collecting' WHERE round = ? AND status = 'open'").run(u.round);
      this.insertAudit({ at: u.receivedAt, siteId: u.siteId, action: 'update-accepted', round: u.round, detail: { payloadHash: u.payloadHash, sampleCount: u.sampleCount, bytes: u.bytes, codec: u.codec } });
      return 'new';
    }).immediate();
  }

  async updates(round: number): Promise<UpdateRecord[]> {
    return (this.db.prepare('SELECT * FROM updates WHERE round = ? ORDER BY seq').all(round) as UpdateRow[]).map((r) => ({
      round: r.round, siteId: r.site_id, payloadHash: r.payload_hash, baseModel: r.base_model, sampleCount: r.sample_count,
      codec: r.codec, bytes: r.bytes, metrics: JSON.parse(r.metrics) as Record<string, unknown>, receivedAt: r.received_at,
      ...(r.norm !== null ? { norm: r.norm } : {}),
    }));
  }

  async recordEvaluation(e: EvaluationRecord): Promise<'new' | 'duplicate'> {
    return this.db.transaction((): 'new' | 'duplicate' => {
      const r = this.db
        .prepare('INSERT OR IGNORE INTO evaluations (round, site_id, model_hash, cases, dice, hd95, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(e.round, e.siteId, e.modelHash, e.cases, JSON.stringify(e.dice), JSON.stringify(e.hd95), e.receivedAt);
      if (r.changes === 0) return 'duplicate';
      this.db.prepare("UPDATE rounds SET status = 'collecting' WHERE round = ? AND status = 'open'").run(e.round);
      this.insertAudit({ at: e.receivedAt, siteId: e.siteId, action: 'evaluation-reported', round: e.round, detail: { cases: e.cases, dice: e.dice } });
      return 'new';
    }).immediate();
  }

  async evaluations(round: number): Promise<EvaluationRecord[]> {
    return (this.db.prepare('SELECT * FROM evaluations WHERE round = ? ORDER BY received_at, site_id').all(round) as EvaluationRow[]).map((r) => ({
      round: r.round, siteId: r.site_id, modelHash: r.model_hash, cases: r.cases,
      dice: JSON.parse(r.dice) as RegionScores, hd95: JSON.parse(r.hd95) as RegionScores, receivedAt: r.received_at,
    }));
  }

  async audit(entry: NewAudit): Promise<void> {
    this.insertAudit(entry);
  }

  async auditLog(opts: { limit?: number; siteId?: string; action?: string; round?: number } = {}): Promise<AuditEntry[]> {
    const limit = opts.limit ?? 1000;
    const filters = ([['site_id', opts.siteId], ['action', opts.action], ['round', opts.round]] as const).filter(([, v]) => v !== undefined);
    const where = filters.length ? ` WHERE ${filters.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT * FROM audit${where} ORDER BY id DESC LIMIT ?`).all(...filters.map(([, v]) => v!), limit) as AuditRow[];
    return rows.reverse().map((r) => ({
      id: r.id, at: r.at, siteId: r.site_id, action: r.action, round: r.round, detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private insertRound(r: RoundRecord): void {
    this.db
      .prepare('INSERT INTO rounds (round, status, global_model, opened_at, deadline, extensions, closed_at, result_model, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.round, r.status, r.globalModel, r.openedAt, r.deadline, r.extensions, r.closedAt, r.resultModel, r.summary === null ? null : JSON.stringify(r.summary));
  }

  private insertAudit(e: NewAudit): void {
    this.db.prepare('INSERT INTO audit (at, site_id, action, round, detail) VALUES (?, ?, ?, ?, ?)').run(e.at, e.siteId, e.action, e.round, JSON.stringify(e.detail));
  }
}

function siteOf(r: SiteRow): SiteRecord {
  return {
    id: r.id, name: r.name, status: r.status as SiteStatus,
    publicKey: r.public_key === null ? null : (JSON.parse(r.public_key) as Record<string, unknown>),
    invitedAt: r.invited_at, joinedAt: r.joined_at, lastSeenAt: r.last_seen, pausedAt: r.paused_at ?? null,
  };
}

function roundOf(r: RoundRow): RoundRecord {
  return {
    round: r.round, status: r.status as RoundStatus, globalModel: r.global_model, openedAt: r.opened_at, deadline: r.deadline,
    extensions: r.extensions, closedAt: r.closed_at, resultModel: r.result_model,
    summary: r.summary === null ? null : (JSON.parse(r.summary) as Record<string, unknown>),
  };
}

/** The same EC public key: curve and point, whatever order or extra members the JWKs have. */
function sameKey(storedJson: string | null, jwk: Readonly<Record<string, unknown>>): boolean {
  if (storedJson === null) return false;
  const stored = JSON.parse(storedJson) as Record<string, unknown>;
  return (['kty', 'crv', 'x', 'y'] as const).every((k) => typeof stored[k] === 'string' && stored[k] === jwk[k]);
}
