/**
 * What the site keeps in this browser (IndexedDB, origin-private): its identity (the
 * non-extractable ECDSA private key as a CryptoKey, which IndexedDB stores without ever
 * exposing its bytes), and the participation checkpoint that lets a reloaded page
 * resume: the prepared cases and the last round it worked on. Nothing here leaves the
 * machine. The prepared cases are deleted once the federation finished (or the site is
 * forgotten): they are patient data kept only so that a reload can resume.
 */
import type { CryptoKeyLike, CryptoKeyPairLike } from '../core/util/webCrypto.ts';
import type { TrainingCase } from '../core/types/case.ts';
import { float32ToHalves } from '../core/util/halfFloat.ts';
import type { CaseStorage } from './participationCases.ts';

export interface StoredIdentity {
  readonly baseUrl: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly federation: string;
  readonly planHash: string;
  readonly privateKey: CryptoKeyLike;
  readonly joinedAt: number;
}

/**
 * A stored case as this fedseg reads it: cases stored by a fedseg before 2026-12 hold their
 * image as float32, converted here to the half floats TrainingCase holds now (so a resume
 * after an upgrade keeps its checkpoint).
 */
export function withHalfImage(c: TrainingCase): TrainingCase {
  const image: unknown = c.image;
  return image instanceof Float32Array ? { ...c, image: float32ToHalves(image) } : c;
}

/**
 * Which prepared cases the site trains on, by id: each case is a record of its own
 * (`putCase`), read again when training draws it, so that a tab need not hold them all.
 * Written once every case is stored: a participation without it cannot be resumed.
 */
export interface StoredCaseManifest {
  readonly baseUrl: string;
  readonly format: 2;
  readonly train: readonly string[];
  readonly validation: readonly string[];
}

/** The prepared cases as a fedseg before 2026-12-07 stored them: all in one record (read for a resume after an upgrade). */
export interface StoredCaseArrays {
  readonly baseUrl: string;
  readonly format?: undefined;
  readonly train: readonly TrainingCase[];
  readonly validation: readonly TrainingCase[];
}

export type StoredCases = StoredCaseManifest | StoredCaseArrays;

export interface StoredCheckpoint {
  readonly baseUrl: string;
  readonly planHash: string;
  /** participation was on when the page went away */
  readonly active: boolean;
  /** the round the site last worked on and what it had done */
  readonly round: number;
  readonly phase: string;
  readonly savedAt: number;
}

/**
 * Secure aggregation: the latest round this site answered an unmask request in, and for
 * which survivors. A reloaded page that trains that round (or an earlier one) again sits
 * it out: a second sum would reveal the difference of its two updates (secureUpload.ts).
 */
export interface StoredUnmasked {
  readonly baseUrl: string;
  /** the identity that answered (a site forgotten and joined again is another) */
  readonly siteId: string;
  readonly planHash: string;
  readonly round: number;
  readonly survivors: readonly string[];
}

/**
 * A join under way: the key pair made for it, kept before the join request is sent, so that
 * a join whose answer was lost (or whose page closed before the identity was stored) is
 * retried with the same key, which the coordinator recognises as the same site. Matched by
 * the invite token's SHA-256; deleted once the identity is stored.
 */
export interface StoredPendingJoin {
  readonly baseUrl: string;
  readonly inviteTokenSha256: string;
  readonly keys: CryptoKeyPairLike;
  readonly createdAt: number;
}

const DB_NAME = 'fedseg-site';
const STORE = 'kv';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB ${DB_NAME} could not be opened: ${req.error?.message ?? 'unknown error'}`));
  });
}

/** One transaction; it resolves with the result of the request `fn` returns (the last, when it makes several). */
async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(new Error(`IndexedDB ${mode}: ${tx.error?.message ?? 'unknown error'}`));
      tx.onabort = () => reject(new Error(`IndexedDB ${mode} aborted: ${tx.error?.message ?? 'quota exceeded?'}`));
    });
  } finally {
    db.close();
  }
}

/** Key of a record, per coordinator origin (one browser may join several federations). */
const key = (kind: 'identity' | 'checkpoint' | 'cases' | 'pending-join' | 'unmasked', baseUrl: string): string => `${kind}:${baseUrl}`;

/**
 * Key of a prepared case: an array, so that one range holds exactly one origin's cases
 * (arrays sort after strings, and a longer array after its prefix).
 */
const caseKey = (baseUrl: string, caseId: string): IDBValidKey => ['case', baseUrl, caseId];
const caseRange = (baseUrl: string): IDBKeyRange => IDBKeyRange.bound(['case', baseUrl], ['case', baseUrl, []]);

export const siteStore = {
  getIdentity: (baseUrl: string) => run<StoredIdentity | undefined>('readonly', (s) => s.get(key('identity', baseUrl))),
  putIdentity: (id: StoredIdentity) => run<unknown>('readwrite', (s) => s.put(id, key('identity', id.baseUrl))),
  deleteIdentity: (baseUrl: string) => run<unknown>('readwrite', (s) => s.delete(key('identity', baseUrl))),
  getCheckpoint: (baseUrl: string) => run<StoredCheckpoint | undefined>('readonly', (s) => s.get(key('checkpoint', baseUrl))),
  putCheckpoint: (c: StoredCheckpoint) => run<unknown>('readwrite', (s) => s.put(c, key('checkpoint', c.baseUrl))),
  deleteCheckpoint: (baseUrl: string) => run<unknown>('readwrite', (s) => s.delete(key('checkpoint', baseUrl))),
  getCases: (baseUrl: string) => run<StoredCases | undefined>('readonly', (s) => s.get(key('cases', baseUrl))),
  putCaseManifest: (m: StoredCaseManifest) => run<unknown>('readwrite', (s) => s.put(m, key('cases', m.baseUrl))),
  getCase: (baseUrl: string, caseId: string) => run<TrainingCase | undefined>('readonly', (s) => s.get(caseKey(baseUrl, caseId))),
  putCase: (baseUrl: string, c: TrainingCase) => run<unknown>('readwrite', (s) => s.put(c, caseKey(baseUrl, c.id))),
  /** the ids of the cases stored for `baseUrl` (keys only: no case is read) */
  storedCaseIds: async (baseUrl: string) => (await run<IDBValidKey[]>('readonly', (s) => s.getAllKeys(caseRange(baseUrl)))).map((k) => String((k as unknown[])[2])),
  /** the manifest (or the old one-record copy) and every prepared case of `baseUrl` */
  deleteCases: (baseUrl: string) => run<unknown>('readwrite', (s) => (s.delete(caseRange(baseUrl)), s.delete(key('cases', baseUrl)))),
  getUnmasked: (baseUrl: string) => run<StoredUnmasked | undefined>('readonly', (s) => s.get(key('unmasked', baseUrl))),
  putUnmasked: (u: StoredUnmasked) => run<unknown>('readwrite', (s) => s.put(u, key('unmasked', u.baseUrl))),
  getPendingJoin: (baseUrl: string) => run<StoredPendingJoin | undefined>('readonly', (s) => s.get(key('pending-join', baseUrl))),
  putPendingJoin: (p: StoredPendingJoin) => run<unknown>('readwrite', (s) => s.put(p, key('pending-join', p.baseUrl))),
  deletePendingJoin: (baseUrl: string) => run<unknown>('readwrite', (s) => s.delete(key('pending-join', baseUrl))),
};

/** The prepared cases of the federation at `baseUrl`, as a participation keeps and reads them. */
export function caseStorage(baseUrl: string): CaseStorage {
  return { put: (c) => siteStore.putCase(baseUrl, c), get: (id) => siteStore.getCase(baseUrl, id) };
}
