import type { Readable } from 'node:stream';

/**
 * Where evidence bytes live, addressed by their SHA-256. A blob is written once and never
 * changed: putting the same content again stores nothing new.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Whether content with this hash is stored. */
  has(sha256: string): Promise<boolean>;
  /** Stores the file at `from` (already hashed to `sha256`) unless that content is already there. */
  put(sha256: string, from: string, size: number): Promise<void>;
  /** The stored bytes as a stream; BlobMissing when absent. */
  get(sha256: string): Promise<Readable>;
  /** Removes the content; absent content is no error. */
  delete(sha256: string): Promise<void>;
}

export class BlobMissing extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the store`);
  }
}
