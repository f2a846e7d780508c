import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobMissing, type BlobStore } from './store';

/** Blobs as read-only files under `root`, fanned out by the first two bytes of their hash. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;

  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  async put(sha256: string, from: string): Promise<void> {
    const target = this.pathOf(sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // A hard link is atomic and fails when the name exists, so content lands once and whole.
    try {
      await fs.promises.link(from, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
      const partial = `${target}.${process.pid}.${Date.now()}.part`;
      await fs.promises.copyFile(from, partial, fs.constants.COPYFILE_EXCL);
      await fs.promises.rename(partial, target);
    }
    await fs.promises.chmod(target, 0o444);
  }

  async get(sha256: string): Promise<Readable> {
    const file = this.pathOf(sha256);
    const handle = await fs.promises.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobMissing(sha256) : err;
    });
    return handle.createReadStream();
  }

  async delete(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
  }
}
