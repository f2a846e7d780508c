import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from '../generated/prisma/client';

/**
 * A bounded wait for a new connection: with PostgreSQL down or restarting, a request fails in seconds (the API
 * answers 503, an activity retries) instead of hanging on a connect that never completes.
 */
export function createDb(databaseUrl: string, poolSize = 10, connectTimeoutMs = 5000): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: connectTimeoutMs }) });
}
