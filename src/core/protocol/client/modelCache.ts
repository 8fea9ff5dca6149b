/**
 * Global models are immutable blobs named by their SHA-256, so a site keeps what it
 * downloaded. The page can back this with IndexedDB, the Node collaborator with files.
 */
export interface ModelCache {
  get(hash: string): Promise<Uint8Array | null>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
}

/** An in-memory cache of the last `capacity` models. */
export class MemoryModelCache implements ModelCache {
  private readonly entries = new Map<string, Uint8Array>();
  constructor(private readonly capacity = 2) {}

  async get(hash: string): Promise<Uint8Array | null> {
    return this.entries.get(hash) ?? null;
  }

  async put(hash: string, bytes: Uint8Array): Promise<void> {
    this.entries.delete(hash);
    this.entries.set(hash, bytes);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
