import path from 'node:path';
import type { Client } from '@temporalio/client';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { BlobStore } from '../blobs';
import type { Config } from '../src/config';
import type { Db } from '../src/db';
import type { Logger } from '../src/logger';
import { boardSource } from '../usecases/board';
import type { UseCaseContext } from '../usecases/context';
import { authenticate } from './auth';
import { signInLimits } from './signInLimits';
import { stampArrival } from './serverTiming';
import { createRegistry, openApiDocument } from './openapi';
import { errorHandler, notFoundHandler } from './problem';
import { Routes, type ApiServices } from './route';
import { boardRoutes } from './routes/board';
import { calendarRoutes } from './routes/calendar';
import { catalogueRoutes } from './routes/catalogue';
import { directoryRoutes } from './routes/directory';
import { evaluationRoutes } from './routes/evaluation';
import { fileRoutes } from './routes/files';
import { importRoutes } from './routes/imports';
import { peopleRoutes } from './routes/people';
import { signOnRoutes } from './routes/signOn';
import { programmeRoutes } from './routes/programmes';
import { questionnaireRoutes } from './routes/questionnaires';
import { roundRoutes } from './routes/rounds';
import { recordRoutes } from './routes/records';
import { taskRoutes } from './routes/tasks';
import { webhookRoutes } from './routes/webhooks';

export interface AppDeps {
  db: Db;
  client: Client;
  config: Config;
  logger: Logger;
  blobs: BlobStore;
}

export function createApp(deps: AppDeps): express.Express {
  const { db, client, config, logger, blobs } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(stampArrival);
  app.set('trust proxy', trustProxy(config.DUBAN_TRUST_PROXY));
  // Offices often serve plain http on an intranet, so https upgrades are left to the proxy in front.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null, 'img-src': ["'self'", 'data:', 'blob:'], 'frame-src': ["'self'", 'blob:'], 'media-src': ["'self'", 'blob:'] } } }));
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // One short line per request; headers (and so tokens) are never logged.
      serializers: { req: (req) => ({ method: req.method, url: req.url }), res: (res) => ({ status: res.statusCode }) },
    }),
  );
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));

  const registry = createRegistry();
  const ctx = { db, client, config, blobs };
  // Signing in and accepting an invitation need no credentials: mounted ahead of authentication.
  const open = express.Router();
  open.post('/auth/login', ...signInLimits(config, db));
  const v1 = express.Router();
  v1.use(authenticate(ctx));
  const routes = new Routes(v1, registry, open);
  // What the routes of this process share: the board counts it keeps, read by the board and warmed by a launch.
  const services: ApiServices = { boards: boardSource(config, logger.child({ component: 'board-counts' })) };
  const mounts: Array<(routes: Routes, ctx: UseCaseContext, services: ApiServices) => void> = [
    peopleRoutes, signOnRoutes, directoryRoutes, catalogueRoutes, roundRoutes, taskRoutes, evaluationRoutes, recordRoutes, webhookRoutes, questionnaireRoutes, programmeRoutes, calendarRoutes, importRoutes, fileRoutes, boardRoutes,
  ];
  for (const mount of mounts) mount(routes, ctx, services);
  routes.finish();
  const document = openApiDocument(registry);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    // Each check is bounded (the pool's connect timeout, a gRPC deadline): a load balancer asking gets an answer.
    const checks = await Promise.allSettled([db.$queryRaw`SELECT 1`, client.withDeadline(Date.now() + 3000, () => client.connection.workflowService.getSystemInfo({}))]);
    const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    if (database !== 'ok' || temporal !== 'ok') res.set('Retry-After', '5');
    res.status(database === 'ok' && temporal === 'ok' ? 200 : 503).json({ database, temporal });
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/api/docs/assets', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));
  app.use('/api/docs', express.static(path.join(__dirname, '..', 'web', 'docs')));
  // Apache ECharts for the pages' charts, from the installed package: nothing is fetched from outside.
  app.use('/vendor', express.static(path.join(path.dirname(require.resolve('echarts/package.json')), 'dist'), { index: false }));
  app.use('/api/v1', open);
  app.use('/api/v1', v1);
  // The pages people use; after every /api, /healthz and /readyz route so it can shadow none of them.
  app.use('/', express.static(path.join(__dirname, '..', 'web', 'app')));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** DUBAN_TRUST_PROXY as Express reads it: true/false, a hop count, or addresses and names (loopback, CIDRs). */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
