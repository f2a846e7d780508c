import path from 'node:path';
import type { Config } from '../src/config';
import { LocalBlobStore } from './local';
import { S3BlobStore } from './s3';
import type { BlobStore } from './store';

export { BlobMissing, type BlobStore } from './store';

/** The blob store the configuration names; an S3 bucket is created when missing. */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  if (config.DUBAN_BLOB_STORE === 'local') return new LocalBlobStore(path.resolve(config.DUBAN_FILES_DIR, 'blobs'));
  const store = new S3BlobStore({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
  await store.ensureBucket();
  return store;
}

/** Uploads in progress live here until they are judged and stored. */
export const uploadDir = (config: Config) => path.resolve(config.DUBAN_FILES_DIR, 'tmp');
