import type { Client } from '@temporalio/client';
import type { BlobStore } from '../blobs';
import type { Db } from '../src/db';
import type { Logger } from '../src/logger';
import type { Calendars } from './calendar';

export interface ActivityDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  /** The working-day calendar in force; a published year takes effect without a restart. */
  calendars: Calendars;
  logger: Logger;
  /** Where evidence bytes are kept, for the sweep of unused files. */
  blobs: BlobStore;
  /** Fewest distinct observers before a unit reads their aggregate, as configured; frozen into rounds at launch. */
  minResponses: number;
  /** Minutes after 09:00 over which a round's units' 09:00 ladder notices are spread (DUBAN_NOTICE_SPREAD_MINUTES). */
  noticeSpreadMinutes: number;
  /** HH:MM at which the ladder's notices go out in rounds this worker launches (DUBAN_NOTICE_TIME); 09:00 when not given. */
  noticeTime?: string;
  /** The API's address as webhook receivers reach it, for the links to documents an event carries. */
  publicUrl?: string;
  /** The client shares the worker's NativeConnection, so workflows it starts may be started eagerly. */
  eagerStart?: boolean;
  /** Units start with their first workflow task deferred to their first ladder step (DUBAN_DEFER_UNIT_FIRST_TASK). */
  deferFirstTask?: boolean;
}
