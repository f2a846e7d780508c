/**
 * `npm run start:cluster`: the product laid out as a deployment, on one machine. PostgreSQL for the product,
 * a second PostgreSQL for Temporal (persistence and visibility), the real Temporal server on it with its Web UI,
 * two worker processes and one API process, each its own OS process. State stays in .data/cluster/ between starts.
 */
import path from 'node:path';
import { createDb } from '../src/db';
import { ensureDemoRound, loadDemo } from './demo';
import { DATA_DIR } from './localDb';
import { appProcess, BACKGROUND_NICE, backgroundWork, startAppProcess, startClusterStack, stopPid } from './stack/cluster';
import { consoleLog } from './stack/log';
import { isRunning } from './stack/pids';
import { preferredPort } from './stack/ports';
import { supervise, type Service } from './stack/supervise';

const WORKERS = Number(process.env.DUBAN_CLUSTER_WORKERS ?? 2);
/** DUBAN_CLUSTER_RESTART=0: a process that ends is reported and stays down. */
const RESTART = process.env.DUBAN_CLUSTER_RESTART !== '0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How the console names each local PostgreSQL cluster. */
const PG_NAMES: Record<string, string> = { postgres: 'PostgreSQL', 'temporal-postgres': "Temporal's PostgreSQL" };

async function main() {
  const dataDir = path.join(DATA_DIR, 'cluster');
  const stack = await startClusterStack({ dataDir, persistent: true });
  const port = await preferredPort(Number(process.env.PORT ?? 3000));
  const env: Record<string, string> = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    PORT: String(port),
    DUBAN_FILES_DIR: process.env.DUBAN_FILES_DIR ?? path.join(dataDir, 'files'),
  };
  const pids: Array<[string, number]> = [];
  let stopping = false;
  let supervisor: ReturnType<typeof supervise> | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    consoleLog('stopping');
    const watching = supervisor?.stop();
    await Promise.all(pids.map(([, pid]) => stopPid(pid, 15_000)));
    await stack.stop();
    await watching;
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const specs = [
      ...Array.from({ length: WORKERS }, (_, i) => [`worker ${i + 1}`, appProcess('worker', env, path.join(dataDir, `worker-${i + 1}.log`))] as const),
      ['api', appProcess('api', env, path.join(dataDir, 'api.log'))] as const,
    ];
    for (const [name, spec] of specs) pids.push([name, startAppProcess(spec)]);
    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`${origin}/readyz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`the API did not become ready; see ${path.join(dataDir, 'api.log')}`);
      await sleep(300);
    }
    const niced = BACKGROUND_NICE ? `, nice ${BACKGROUND_NICE}` : '';
    const background = backgroundWork(stack);
    const lines = [
      '',
      'duban is running as a cluster on this machine.',
      `  API            ${origin}/api/v1   (docs ${origin}/api/docs)   pid ${pids.at(-1)![1]}, log ${path.join(dataDir, 'api.log')}`,
      ...pids.slice(0, -1).map(([name, pid]) => `  ${name.padEnd(14)} pid ${pid}, log ${path.join(dataDir, `${name.replace(' ', '-')}.log`)}${niced}`),
      `  Temporal       ${stack.temporal.address} (server pid ${stack.temporal.serverPid}, log ${stack.temporal.serverSpec.logFile}${niced})`,
      `  Temporal UI    ${stack.temporal.uiUrl ?? '(not available: see the log above)'}`,
      ...(stack.pgClusters.length > 1
        ? stack.pgClusters.map((c) => `  ${(PG_NAMES[c.name] ?? c.name).padEnd(14)} ${c.url} (${c.name === 'postgres' ? 'database duban' : `databases temporal, temporal_visibility${c.nice ? `, nice ${c.nice}` : ''}`})`)
        : [`  PostgreSQL     ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')} (databases duban, temporal, temporal_visibility)`]),
    ];
    if (process.env.DEMO !== '0') {
      const db = createDb(stack.databaseUrl, 2);
      try {
        const { tokens } = await loadDemo(db, path.join(dataDir, 'demo-tokens.json'));
        const roundId = await ensureDemoRound(`${origin}/api/v1`, tokens['office jx (江西省产改办)']);
        lines.push(`  Demo round     ${origin}/api/v1/rounds/${roundId}`, '', 'Demo tokens (Authorization: Bearer <token>):');
        for (const [who, token] of Object.entries(tokens)) lines.push(`  ${who.padEnd(30)} ${token}`);
      } finally {
        await db.$disconnect();
      }
    }
    lines.push(
      '',
      RESTART
        ? 'A process that ends (killed by hand, or crashed) is started again after 1 s, then 2, 4, … up to 30 s while it keeps ending.'
        : 'A process that ends stays down (DUBAN_CLUSTER_RESTART=0).',
      ...(background ? [`Background work: ${background}, so the API and the product's database are served first (DUBAN_CLUSTER_NICE=0: one priority).`] : []),
      `Ctrl-C stops everything started here; data stays in ${dataDir} for the next start.`,
    );
    console.log(lines.join('\n'));
    // Stay in the foreground (the processes above are not tied to this one's event loop), keeping each running.
    const app = specs.map(([name, spec], i): Service => ({
      name,
      running: () => isRunning(pids[i][1]),
      startAgain: async () => {
        pids[i] = [name, startAppProcess(spec)];
        await sleep(2000);
        if (!isRunning(pids[i][1])) throw new Error(`it exited at once; see ${spec.logFile}`);
        return pids[i][1];
      },
    }));
    const { temporal, pgClusters } = stack;
    supervisor = supervise(
      [
        ...pgClusters.map((c) => ({ name: PG_NAMES[c.name] ?? c.name, running: c.running, startAgain: c.startAgain })),
        { name: 'Temporal server', running: () => isRunning(temporal.serverPid), startAgain: temporal.startServerAgain },
        ...(temporal.startUiAgain ? [{ name: 'Temporal Web UI', running: () => isRunning(temporal.uiPid!), startAgain: temporal.startUiAgain }] : []),
        ...app,
      ],
      { log: consoleLog, restart: RESTART },
    );
  } catch (err) {
    console.error(err);
    await stop(1);
  }
}

void main();
