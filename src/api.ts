import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { openBlobStore, type BlobStore } from '../blobs';
import { loadConfig, type Config } from './config';
import { createDb, type Db } from './db';
import { createLogger, type Logger } from './logger';
import { connectClient } from './temporal';
import type { Client } from '@temporalio/client';

export async function listen(deps: { config: Config; db: Db; client: Client; logger: Logger; blobs?: BlobStore }): Promise<Server> {
  const app = createApp({ ...deps, blobs: deps.blobs ?? (await openBlobStore(deps.config)) });
  return new Promise((resolve, reject) => {
    const server = app.listen(deps.config.PORT, deps.config.HOST, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'duban-api');
  const db = createDb(config.DATABASE_URL);
  const client = await connectClient(config);
  const server = await listen({ config, db, client, logger });
  logger.info({ address: server.address() }, 'api listening');
  const stop = () => server.close(() => void Promise.all([db.$disconnect(), client.connection.close()]).then(() => process.exit(0)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
