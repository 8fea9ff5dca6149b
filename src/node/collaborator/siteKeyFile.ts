/**
 * The headless collaborator's identity on disk. A browser keeps its key non-extractable
 * in IndexedDB; a Node process has nowhere like that, so --key-file holds the private
 * JWK (mode 0600), written once at join. In memory the key is imported non-extractable.
 * Without --key-file the key lives only as long as the process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import type { CryptoKeyLike, CryptoKeyPairLike } from '../../core/util/webCrypto.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { SiteCredentials } from '../../core/protocol/client/protocolClient.ts';
import { replaceFileWhole } from '../replaceFileWhole.ts';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

interface KeyFile {
  readonly version: 1;
  readonly coordinator: string;
  readonly siteId: string;
  readonly privateKeyJwk: JsonWebKey;
}

/** A fresh key pair plus, when it must be saved, its private JWK. */
export async function newSiteKeys(): Promise<{ keys: CryptoKeyPairLike; privateJwk: JsonWebKey }> {
  const pair = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const privateJwk = await webcrypto.subtle.exportKey('jwk', pair.privateKey);
  const privateKey = await webcrypto.subtle.importKey('jwk', privateJwk, ECDSA, false, ['sign']);
  return { keys: { publicKey: pair.publicKey as CryptoKeyLike, privateKey: privateKey as CryptoKeyLike }, privateJwk };
}

export function saveKeyFile(file: string, coordinator: string, siteId: string, privateJwk: JsonWebKey): void {
  const body: KeyFile = { version: 1, coordinator, siteId, privateKeyJwk: privateJwk };
  replaceFileWhole(file, JSON.stringify(body, null, 2) + '\n');
}

/** The stored identity, or null when the file does not exist. */
export async function loadKeyFile(file: string): Promise<(SiteCredentials & { coordinator: string }) | null> {
  if (!existsSync(file)) return null;
  let k: KeyFile;
  try {
    k = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (e) {
    throw new FedsegError('KEY_FILE_INVALID', `${file}: expected the JSON key file fedseg wrote, found unreadable text (${(e as Error).message})`);
  }
  if (k.version !== 1 || typeof k.siteId !== 'string' || !k.privateKeyJwk) {
    throw new FedsegError('KEY_FILE_INVALID', `${file}: expected version 1 with siteId and privateKeyJwk`);
  }
  const privateKey = (await webcrypto.subtle.importKey('jwk', k.privateKeyJwk, ECDSA, false, ['sign'])) as CryptoKeyLike;
  return { siteId: k.siteId, privateKey, coordinator: k.coordinator };
}
