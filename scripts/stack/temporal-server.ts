import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import type { Log } from './log';
import { stopPid } from './pids';
import { freePort, isPortFree, preferredPort } from './ports';
import { backgroundPrefix } from './priority';
import { cacheDir, onPath, run } from './temporal';

export { stopPid };

const exec = promisify(execFile);

/** The server the Temporal CLI v1.5.1 embeds, so the dev server and the cluster run the same code. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The Web UI server the CLI embeds (its Go module carries the built pages). */
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export interface TemporalServerBuild {
  /** `go.temporal.io/server/cmd/server` */
  server: string;
  /** `go.temporal.io/server/cmd/tools/sql` (temporal-sql-tool) */
  sqlTool: string;
  /** The module's schema/postgresql/v12, copied next to the binaries. */
  schemaDir: string;
}

async function goInstall(pkg: string, binDir: string, name: string, log: Log): Promise<boolean> {
  const buildLog = path.join(cacheDir(), `go-install-${name}.log`);
  log(`building ${pkg} with go install; the first build takes several minutes of every core (output: ${buildLog})`);
  const started = Date.now();
  try {
    await run('go', ['install', pkg], { ...process.env, GOBIN: binDir }, buildLog);
  } catch (e) {
    log(`go install ${pkg} failed: ${(e as Error).message}`);
    return false;
  }
  log(`${name} built in ${Math.round((Date.now() - started) / 1000)} s (${binDir})`);
  return true;
}

/**
 * The real Temporal server and its SQL schema tool, built from the Go module proxy once and cached
 * under ~/.cache/duban like the CLI; null when neither a cached copy nor Go is there.
 * TEMPORAL_SERVER_DIR names a folder holding `server`, `sql` and `schema/` built elsewhere.
 */
export async function ensureTemporalServer(log: Log): Promise<TemporalServerBuild | null> {
  const dir = process.env.TEMPORAL_SERVER_DIR ?? path.join(cacheDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const build = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql'), schemaDir: path.join(dir, 'schema') };
  if (!fs.existsSync(build.server) || !fs.existsSync(build.sqlTool)) {
    if (process.env.TEMPORAL_SERVER_DIR) throw new Error(`TEMPORAL_SERVER_DIR=${dir} holds no server and sql binaries`);
    if (!onPath('go')) return null;
    fs.mkdirSync(dir, { recursive: true });
    const module = `go.temporal.io/server`;
    if (!(await goInstall(`${module}/cmd/server@${TEMPORAL_SERVER_VERSION}`, dir, 'temporal-server', log))) return null;
    if (!(await goInstall(`${module}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`, dir, 'temporal-sql-tool', log))) return null;
  }
  if (!fs.existsSync(path.join(build.schemaDir, 'temporal', 'versioned'))) {
    // The schema files travel with the module, which the build above left in Go's module cache.
    const { stdout } = await exec('go', ['mod', 'download', '-json', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { maxBuffer: 1 << 20 });
    const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
    fs.cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), build.schemaDir, { recursive: true });
    fs.chmodSync(build.schemaDir, 0o755);
  }
  return build;
}

/** Temporal's Web UI server, built from the Go module proxy once and cached; null when it cannot be had. */
export async function ensureTemporalUi(log: Log): Promise<string | null> {
  const dir = path.join(cacheDir(), `temporal-ui-${TEMPORAL_UI_VERSION}`);
  const binary = path.join(dir, 'server');
  if (fs.existsSync(binary)) return binary;
  if (!onPath('go')) return null;
  fs.mkdirSync(dir, { recursive: true });
  return (await goInstall(`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`, dir, 'temporal-ui', log)) ? binary : null;
}

/** How to run a long-lived process again exactly as it was first run (a test restarts servers this way). */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
  /**
   * Background work at a lower CPU priority (nice 1-19, and the background CPU group where there is one: see
   * priority.ts); each of its threads has it from the first instruction.
   */
  nice?: number;
}

/** Starts a process with its output appended to its log; it outlives the caller's event loop (unref). */
export function spawnSpec(spec: ProcessSpec): ChildProcess {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const out = fs.openSync(spec.logFile, 'a');
  // The prefix execs the command in its own process, so the pid is the command's.
  const [command, ...args] = [...backgroundPrefix(spec.nice ?? 0), spec.command, ...spec.args];
  const child = spawn(command, args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${spec.command}`);
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PgTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** Creates Temporal's two databases and applies their schema with Temporal's own temporal-sql-tool. */
async function applyTemporalSchema(build: TemporalServerBuild, db: PgTarget, logDir: string, log: Log): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user, ...(db.password ? ['--pw', db.password] : [])];
  for (const [database, folder] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
    const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'postgres' });
    await client.connect();
    const exists = ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0;
    await client.end();
    const sqlLog = path.join(logDir, `temporal-sql-tool-${database}.log`);
    const tool = (args: string[]) => run(build.sqlTool, [...base, '--db', database, ...args], process.env, sqlLog);
    if (!exists) {
      log(`temporal-sql-tool: creating ${database} and its base schema`);
      await tool(['create-database']);
      await tool(['setup-schema', '-v', '0.0']);
    }
    // Applies only the versions the database lacks, so every start brings an older database up to date.
    await tool(['update-schema', '-d', path.join(build.schemaDir, folder, 'versioned')]);
  }
}

/** Temporal records membership ports in a smallint column: they must lie below 32768, under Linux's ephemeral range. */
async function membershipPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isPortFree(port)) return port;
  }
  throw new Error('no free TCP port between 20000 and 32000 for Temporal membership');
}

interface Ports {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** The server's static configuration (JSON is YAML, which the server reads). */
function serverConfig(db: PgTarget, ports: Ports, dynamicConfigFile: string, historyShards: number) {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12', databaseName, connectAddr: `${db.host}:${db.port}`, connectProtocol: 'tcp',
      user: db.user, password: db.password ?? '', maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: historyShards,
      // Per service: the four services of this one process each open pools of these sizes.
      datastores: { default: datastore('temporal', 15), visibility: datastore('temporal_visibility', 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic configuration: the values the CLI's dev server sets (see bench/RESULTS.md for eager activities),
 * so the two stacks differ in persistence and process layout, not in tuning.
 */
const DYNAMIC_CONFIG: Record<string, unknown> = {
  'system.enableActivityEagerExecution': true,
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'frontend.persistenceMaxQPS': 10000,
  'history.persistenceMaxQPS': 45000,
  'history.hostLevelCacheMaxSize': 8096,
  'frontend.maxNamespaceVisibilityRPSPerInstance': 100,
  'limit.maxIDLength': 255,
  'frontend.enableExecuteMultiOperation': true,
};

function dynamicConfigYaml(): string {
  return Object.entries(DYNAMIC_CONFIG)
    .map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}\n`)
    .join('');
}

/** Waits until the frontend answers and the namespace is known to every service (matching included). */
async function untilServing(address: string, namespace: string, child: ChildProcess | null, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let registered = false;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) break;
    const connection = await Connection.connect({ address, connectTimeout: 2000 }).catch((e) => {
      lastError = e;
      return null;
    });
    if (connection) {
      try {
        const service = connection.workflowService;
        const described = await service.describeNamespace({ namespace }).then(() => true, (e: { code?: number }) => {
          if (e.code !== 5) throw e; // 5 = NOT_FOUND
          return false;
        });
        if (!described && !registered) {
          await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }).catch((e: { code?: number }) => {
            if (e.code !== 6) throw e; // 6 = ALREADY_EXISTS
          });
          registered = true;
        }
        // The namespace reaches matching's cache a moment after it is registered.
        if (described) {
          await service.describeTaskQueue({ namespace, taskQueue: { name: 'duban-readiness-probe' }, taskQueueType: 1 });
          return;
        }
      } catch (e) {
        lastError = e;
      } finally {
        await connection.close();
      }
    }
    await sleep(500);
  }
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
  throw new Error(`Temporal server at ${address} not ready (${child && child.exitCode !== null ? `exited ${child.exitCode}` : String(lastError)}):\n${tail}`);
}

export interface TemporalCluster {
  address: string;
  uiUrl?: string;
  /** How to run the server again on the same ports and databases (after a crash, or in a restart test). */
  serverSpec: ProcessSpec;
  /** The server's pid now (it changes when the server is started again). */
  readonly serverPid: number;
  readonly uiPid?: number;
  /** Starts the server again after it ended, on the same ports and databases; resolves with its pid once it serves. */
  startServerAgain(): Promise<number>;
  /** Starts the Web UI again after it ended, resolving with its pid (absent when it did not run). */
  startUiAgain?(): Promise<number>;
  stop(): Promise<void>;
}

/** The namespace every service (matching included) answers for; exported for a test that restarts the server. */
export const waitForTemporal = (address: string, logFile: string, timeoutMs?: number) => untilServing(address, 'default', null, logFile, timeoutMs);

/**
 * The real Temporal server (frontend, history, matching and worker services in one process) on PostgreSQL
 * for persistence and visibility, its schema applied by temporal-sql-tool, and its Web UI when it can be
 * built. Ports given are preferences: a busy one is replaced by a free one.
 */
export async function startTemporalCluster(opts: {
  database: PgTarget;
  dataDir: string;
  port?: number;
  uiPort?: number;
  ui?: boolean;
  historyShards?: number;
  /** The server's CPU priority (see `ProcessSpec.nice`). */
  nice?: number;
  log: Log;
}): Promise<TemporalCluster> {
  const { log } = opts;
  const dataDir = path.resolve(opts.dataDir);
  const build = await ensureTemporalServer(log);
  if (!build) throw new Error(`no Temporal server: install Go (>= 1.25) so that go install go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION} can build it, or set TEMPORAL_SERVER_DIR`);
  const configDir = path.join(dataDir, 'temporal-config');
  fs.mkdirSync(configDir, { recursive: true });
  await applyTemporalSchema(build, opts.database, dataDir, log);

  const ports: Ports = {
    frontend: opts.port ? await preferredPort(opts.port) : await freePort(),
    frontendHttp: await freePort(),
    frontendMembership: await membershipPort(),
    history: await freePort(),
    historyMembership: await membershipPort(),
    matching: await freePort(),
    matchingMembership: await membershipPort(),
    worker: await freePort(),
    workerMembership: await membershipPort(),
  };
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, dynamicConfigYaml());
  // The shard count is fixed when the database is first used; a persistent cluster keeps the one it began with.
  fs.writeFileSync(path.join(configDir, 'duban.yaml'), JSON.stringify(serverConfig(opts.database, ports, dynamicConfigFile, opts.historyShards ?? 4), null, 2));

  const address = `127.0.0.1:${ports.frontend}`;
  const serverSpec: ProcessSpec = {
    name: 'temporal-server',
    command: build.server,
    args: ['--root', dataDir, '--config', 'temporal-config', '--env', 'duban', '--allow-no-auth', 'start'],
    logFile: path.join(dataDir, 'temporal-server.log'),
    nice: opts.nice,
  };
  // A server orphaned by a killed run would hold its ports and write to the same databases.
  const pidFile = path.join(dataDir, 'temporal-server.pid');
  for (const file of [pidFile, path.join(dataDir, 'temporal-ui.pid')]) {
    const pid = Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : NaN);
    if (pid > 0 && fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) {
      log(`stopping the Temporal process left running by an earlier run (pid ${pid})`);
      await stopPid(pid);
    }
  }
  // Each process's pid is kept in its pid file too, so a later run finds one this run left behind.
  const pids: { server: number; ui?: number } = { server: 0 };
  const spawnServer = () => {
    const child = spawnSpec(serverSpec);
    pids.server = child.pid!;
    fs.writeFileSync(pidFile, String(child.pid));
    return child;
  };
  const stop = async () => {
    if (pids.ui) await stopPid(pids.ui);
    await stopPid(pids.server);
  };
  try {
    await untilServing(address, 'default', spawnServer(), serverSpec.logFile);
  } catch (e) {
    await stop();
    throw e;
  }
  log(`Temporal server ${TEMPORAL_SERVER_VERSION} on ${address} (PostgreSQL ${opts.database.host}:${opts.database.port}, databases temporal and temporal_visibility)`);

  const cluster: TemporalCluster = {
    address,
    serverSpec,
    get serverPid() {
      return pids.server;
    },
    get uiPid() {
      return pids.ui;
    },
    startServerAgain: async () => {
      await untilServing(address, 'default', spawnServer(), serverSpec.logFile, 180_000);
      return pids.server;
    },
    stop,
  };
  const ui = opts.ui === false ? null : await ensureTemporalUi(log);
  if (ui) {
    const uiPort = opts.uiPort ? await preferredPort(opts.uiPort) : await freePort();
    const uiConfigDir = path.join(dataDir, 'temporal-ui-config');
    fs.mkdirSync(uiConfigDir, { recursive: true });
    fs.writeFileSync(
      path.join(uiConfigDir, 'duban.yaml'),
      JSON.stringify({ temporalGrpcAddress: address, host: '127.0.0.1', port: uiPort, enableUi: true, defaultNamespace: 'default', cors: { allowOrigins: [`http://127.0.0.1:${uiPort}`] } }, null, 2),
    );
    const uiUrl = `http://127.0.0.1:${uiPort}`;
    const startUi = async (): Promise<boolean> => {
      const child = spawnSpec({ name: 'temporal-ui', command: ui, args: ['--root', dataDir, '--config', 'temporal-ui-config', '--env', 'duban', 'start'], logFile: path.join(dataDir, 'temporal-ui.log') });
      pids.ui = child.pid!;
      fs.writeFileSync(path.join(dataDir, 'temporal-ui.pid'), String(child.pid));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null && !(await fetch(uiUrl).then((r) => r.ok, () => false))) await sleep(250);
      return child.exitCode === null;
    };
    if (await startUi()) {
      log(`Temporal Web UI ${TEMPORAL_UI_VERSION} on ${uiUrl}`);
      cluster.uiUrl = uiUrl;
      cluster.startUiAgain = async () => {
        if (!(await startUi())) throw new Error(`the Temporal Web UI exited; see ${path.join(dataDir, 'temporal-ui.log')}`);
        return pids.ui!;
      };
    } else log(`the Temporal Web UI exited; see ${path.join(dataDir, 'temporal-ui.log')}`);
  } else if (opts.ui !== false) {
    log('no Temporal Web UI (it could not be built); the server runs without it');
  }
  return cluster;
}
