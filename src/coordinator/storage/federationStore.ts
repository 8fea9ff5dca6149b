/**
 * What the coordinator keeps, behind a small interface so that PostgreSQL can serve
 * later. Each method is one transaction and writes its own audit entry where the
 * action is one the operator must be able to trace (joins, uploads, aggregations).
 * Blobs live apart (BlobStore); records here name them by SHA-256.
 */
import type { RegionScores } from '../../core/types/labels.ts';

export type SiteStatus = 'invited' | 'active' | 'revoked';

export interface SiteRecord {
  readonly id: string;
  readonly name: string;
  readonly status: SiteStatus;
  /** the site's ECDSA P-256 public key as a JWK; absent until the site joined */
  readonly publicKey: Readonly<Record<string, unknown>> | null;
  readonly invitedAt: number;
  readonly joinedAt: number | null;
  /** when the coordinator last took a signed request of the site (its clock); null before any */
  readonly lastSeenAt: number | null;
  /** when the site said it stopped taking part (Stop in the page); null while it takes part. Rounds do not wait for it meanwhile. */
  readonly pausedAt: number | null;
}

export type RoundStatus = 'open' | 'collecting' | 'aggregating' | 'closed';

export interface RoundRecord {
  readonly round: number;
  readonly status: RoundStatus;
  /** SHA-256 of the global model the round starts from */
  readonly globalModel: string;
  readonly openedAt: number;
  readonly deadline: number;
  readonly extensions: number;
  readonly closedAt: number | null;
  /** SHA-256 of the model the round produced */
  readonly resultModel: string | null;
  /** why it closed, how many updates, epsilon, ... (JSON) */
  readonly summary: Readonly<Record<string, unknown>> | null;
}

export interface UpdateRecord {
  readonly round: number;
  readonly siteId: string;
  /** SHA-256 of the uploaded body, which is also its blob's name */
  readonly payloadHash: string;
  readonly baseModel: string;
  readonly sampleCount: number;
  readonly codec: string;
  readonly bytes: number;
  /** local training metrics the site chose to send (loss, steps) */
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly receivedAt: number;
  /**
   * L2 norm of the update as the coordinator decoded it (before any robust rule or DP
   * clipping): what a norm bound is set against. Absent for masked (secure) inputs, whose
   * norm the coordinator cannot know, and for updates recorded before norms were kept.
   */
  readonly norm?: number;
}

export interface EvaluationRecord {
  readonly round: number;
  readonly siteId: string;
  readonly modelHash: string;
  readonly cases: number;
  readonly dice: RegionScores;
  readonly hd95: RegionScores;
  readonly receivedAt: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly siteId: string | null;
  readonly action: string;
  readonly round: number | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface FederationInfo {
  readonly planJson: string;
  readonly planHash: string;
  readonly createdAt: number;
}

export type NewAudit = Omit<AuditEntry, 'id'>;

export interface FederationStore {
  /** the federation this store holds, if it was initialised */
  federation(): Promise<FederationInfo | null>;
  /** first start: records the plan and round 1 */
  initialise(info: FederationInfo, firstRound: RoundRecord): Promise<void>;

  createInvite(site: { id: string; name: string; tokenHash: string; at: number }): Promise<void>;
  /**
   * One-time: the invited site with this token hash becomes active with its key. The same
   * token with the same key again (a retried join whose answer was lost) gives the same
   * site ('repeated'); anything else (unknown, revoked, another key) gives null.
   */
  redeemInvite(tokenHash: string, publicKey: Readonly<Record<string, unknown>>, at: number, client?: Readonly<Record<string, unknown>>): Promise<{ site: SiteRecord; repeated: boolean } | null>;
  revokeSite(id: string, at: number): Promise<boolean>;
  /** The site an invite token hash belongs to (invited: unused; active: used), without using it; null when no site has it (unknown or revoked). */
  siteOfInvite(tokenHash: string): Promise<SiteRecord | null>;
  /** Records that an active site stopped (false) or takes part again (true), audited; false when nothing changed (or the site is not active). */
  setParticipation(id: string, participating: boolean, at: number): Promise<boolean>;
  site(id: string): Promise<SiteRecord | null>;
  sites(): Promise<SiteRecord[]>;
  /** false when this site already used this nonce (a replay); forgets nonces older than `forgetBefore` */
  rememberNonce(siteId: string, nonce: string, at: number, forgetBefore: number): Promise<boolean>;

  rounds(): Promise<RoundRecord[]>;
  round(n: number): Promise<RoundRecord | null>;
  currentRound(): Promise<RoundRecord | null>;
  setRoundStatus(n: number, status: RoundStatus): Promise<void>;
  extendRound(n: number, deadline: number, at: number, reason: string): Promise<void>;
  /** closes round n with its result and, when `next` is given, opens the next one, atomically */
  closeRound(n: number, result: { resultModel: string; closedAt: number; summary: Record<string, unknown> }, next: RoundRecord | null): Promise<void>;

  /** 'duplicate' when this site already sent this round the same payload; 'conflict' for a different one */
  recordUpdate(u: UpdateRecord): Promise<'new' | 'duplicate' | 'conflict'>;
  updates(round: number): Promise<UpdateRecord[]>;
  recordEvaluation(e: EvaluationRecord): Promise<'new' | 'duplicate'>;
  evaluations(round: number): Promise<EvaluationRecord[]>;

  audit(entry: NewAudit): Promise<void>;
  /** the latest entries (oldest first), of one site, action or round when asked */
  auditLog(opts?: { limit?: number; siteId?: string; action?: string; round?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
