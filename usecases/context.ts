import type { Client } from '@temporalio/client';
import type { Capability } from '../domain/vocabulary';
import type { Viewer } from '../access/visibility';
import type { PersonRole } from '../generated/prisma/client';
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

/** A person signed in with a session (or a single sign-on), as it acts. */
export interface ActingPerson {
  id: string;
  username: string;
  name: string;
  role: PersonRole;
}

/** What a read that builds a document needs: the database and the configured minimum of observers. */
export interface ReadContext {
  db: Db;
  config: Pick<Config, 'DUBAN_MIN_RESPONSES_FOR_UNIT'>;
}

/** Who is acting: what they may see (Viewer) and the name that records carry. */
export interface Actor extends Viewer {
  /** Who acted, for records: "person:wang.li" when a person acts; "office:jx", "unit:jx-001", "observer:gc-01" for a token. */
  actor: string;
  /** The bearer token used, if any. */
  tokenId?: string;
  /** Office principals: what they may do beyond reading (access/roles.ts). */
  capabilities?: readonly Capability[];
  /** The person acting, when signed in as one. */
  person?: ActingPerson;
  /** The session used, when signed in as a person. */
  sessionId?: string;
}

/**
 * Ends the phase of a use case's work that ran since the last lap, under `name`; `description` says how it went
 * (e.g. counts kept or loaded). The API turns laps into the answer's Server-Timing header; elsewhere no one measures.
 */
export type Lap = (name: string, description?: string) => void;

/** A use case measured by no one. */
export const noLap: Lap = () => undefined;
