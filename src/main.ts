import type { AddressInfo } from 'node:net';
import { listen } from './api';
import { loadConfig, type Config } from './config';
import { createDb } from './db';
import { createLogger } from './logger';
import { connectClient } from './temporal';
import { createWorker } from './worker';

/** Worker and API in one process, for a single machine. Resolves once both are up. */
export async function runAll(config: Config = loadConfig()) {
  const logger = createLogger(config.LOG_LEVEL, 'duban');
  const db = createDb(config.DATABASE_URL, 20);
  const client = await connectClient(config);
  const worker = await createWorker({ config, db, logger });
  const running = worker.run();
  const server = await listen({ config, db, client, logger });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    db,
    client,
    logger,
    running,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      worker.shutdown();
      await running.catch(() => undefined);
      await db.$disconnect();
      await client.connection.close();
    },
  };
}

if (require.main === module) {
  runAll()
    .then((app) => {
      app.logger.info({ port: app.port }, 'duban worker and api running');
      const stop = () => void app.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
