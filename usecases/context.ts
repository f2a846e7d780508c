import type { Client } from '@temporalio/client';
import type { Viewer } from '../access/visibility';
import type { BlobStore } from '../blobs';
import type { Config } from '../src/config';
import type { Db } from '../src/db';

/** What every use case runs with; the API, the CLI and scheduled runs each build one. */
export interface UseCaseContext {
  db: Db;
  client: Client;
  config: Config;
  /** Where evidence bytes are kept. */
  blobs: BlobStore;
}

/** What a read that builds a document needs: the database and the configured minimum of observers. */
export interface ReadContext {
  db: Db;
  config: Pick<Config, 'DUBAN_MIN_RESPONSES_FOR_UNIT'>;
}

/** Who is acting: what they may see (Viewer) and the name that records carry. */
export interface Actor extends Viewer {
  /** Who acted, for records: "office:jx", "unit:jx-001", "observer:gc-01". */
  actor: string;
  tokenId: string;
}
