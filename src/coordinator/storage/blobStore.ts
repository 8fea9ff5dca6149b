/**
 * Immutable blobs (models, updates) as files named by their SHA-256. A write goes to a
 * temporary name, is fsynced, renamed into place and the directory fsynced, so that a
 * blob either exists whole or not at all after a crash. Recording the hash in the
 * database comes after; an unrecorded blob left by a crash is harmless (and reused).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFileDurably } from '../../node/writeFileDurably.ts';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../core/util/webCrypto.ts';
import { FedsegError } from '../../core/util/errors.ts';

const HASH = /^[0-9a-f]{64}$/;

export class BlobStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'tmp'), { recursive: true });
  }

  /** Stores the bytes (if not there already) and resolves to their SHA-256 hex. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = await sha256Hex(bytes);
    const path = this.pathOf(hash);
    if (existsSync(path) && statSync(path).size === bytes.length) return hash;
    const shard = join(this.dir, hash.slice(0, 2));
    mkdirSync(shard, { recursive: true });
    const tmp = join(this.dir, 'tmp', `${hash}.${randomBytes(6).toString('hex')}`);
    writeFileDurably(tmp, bytes);
    renameSync(tmp, path);
    syncDir(shard);
    return hash;
  }

  has(hash: string): boolean {
    return HASH.test(hash) && existsSync(this.pathOf(hash));
  }

  /** The bytes of a blob; fails with BLOB_NOT_FOUND naming the hash. */
  get(hash: string): Uint8Array {
    if (!this.has(hash)) throw new FedsegError('BLOB_NOT_FOUND', `no blob with SHA-256 ${hash} in ${this.dir}`);
    return new Uint8Array(readFileSync(this.pathOf(hash)));
  }

  /** Reads a blob and checks its hash (for start-up recovery). */
  async getVerified(hash: string): Promise<Uint8Array> {
    const bytes = this.get(hash);
    const found = await sha256Hex(bytes);
    if (found !== hash) throw new FedsegError('BLOB_CORRUPT', `blob ${hash} in ${this.dir} has SHA-256 ${found}`);
    return bytes;
  }

  /** Deletes a blob no record names (an upload that was refused after it was written). */
  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true });
  }

  /** Removes left-over temporary files of interrupted writes. */
  cleanTemporary(): void {
    rmSync(join(this.dir, 'tmp'), { recursive: true, force: true });
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
  }

  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new FedsegError('BAD_HASH', `expected a SHA-256 hex digest (64 lowercase hex digits), found "${hash}"`);
    return join(this.dir, hash.slice(0, 2), hash);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
