import type { Client } from '@temporalio/client';
import type { BlobStore } from '../blobs';
import type { Db } from '../src/db';
import type { Logger } from '../src/logger';
import type { WorkingCalendar } from './calendar';

export interface ActivityDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  calendar: WorkingCalendar;
  logger: Logger;
  /** Where evidence bytes are kept, for the sweep of unused files. */
  blobs: BlobStore;
  /** Fewest observers' responses before a unit's satisfaction counts (confidentiality). */
  minResponses: number;
  /** The client shares the worker's NativeConnection, so workflows it starts may be started eagerly. */
  eagerStart?: boolean;
}
