import { loadConfig } from '../src/config';
import { runAll } from '../src/main';
import { ensureDemoObserverLinks, ensureDemoRound, loadDemo } from './demo';
import { DATA_DIR } from './localDb';
import { startLocalStack } from './stack';
import { consoleLog } from './stack/log';

async function main() {
  const stack = await startLocalStack({ dataDir: DATA_DIR, persistent: true });
  let stopping = false;
  let app: Awaited<ReturnType<typeof runAll>> | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    consoleLog('stopping');
    await app?.stop().catch((e: Error) => consoleLog(`app stop: ${e.message}`));
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress });
    app = await runAll(config);
    const origin = `http://${config.HOST}:${app.port}`;
    const lines = [
      '',
      `duban is running.`,
      `  API            ${origin}/api/v1   (docs ${origin}/api/docs, OpenAPI ${origin}/api/openapi.json)`,
      `  Temporal UI    ${stack.temporalUiUrl ?? '(external Temporal: see its own UI)'}`,
      `  Temporal       ${stack.temporalAddress}`,
      `  PostgreSQL     ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    ];
    if (process.env.DEMO !== '0') {
      const { tokens, people, password } = await loadDemo(app.db);
      const roundId = await ensureDemoRound(`${origin}/api/v1`, tokens['office jx (江西省产改办)']);
      lines.push(`  Demo round     ${origin}/api/v1/rounds/${roundId}`, '', 'Demo tokens (Authorization: Bearer <token>):');
      for (const [who, token] of Object.entries(tokens)) lines.push(`  ${who.padEnd(30)} ${token}`);
      lines.push('', `Demo people (sign in at ${origin}/ or POST ${origin}/api/v1/auth/login; password ${password}):`);
      for (const p of people) lines.push(`  ${p.username.padEnd(20)} ${p.role.padEnd(13)} ${p.at}`);
      lines.push('', "Observers' personal links (open one to answer as that observer; no password):");
      for (const l of await ensureDemoObserverLinks(`${origin}/api/v1`, tokens['office jx (江西省产改办)'])) lines.push(`  ${l.observerCode.padEnd(20)} ${l.url}`);
    }
    lines.push('', 'Ctrl-C stops everything started here; data stays in .data/ for the next start.');
    console.log(lines.join('\n'));
  } catch (err) {
    console.error(err);
    await stop(1);
  }
}

void main();
