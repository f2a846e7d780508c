import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startLocalStack, type LocalStack } from './stack';
import { consoleLog } from './stack/log';
import { ensureTimeSkippingServer } from './stack/test-server';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);

async function main(): Promise<number> {
  const lint = spawnSync(process.execPath, ['node_modules/eslint/bin/eslint.js', '.'], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('eslint failed; fix the problems above before the tests run');
    return lint.status ?? 1;
  }

  const running: { stack?: LocalStack; jest?: ChildProcess } = {};
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // The terminal signals the whole process group, and the bootstrap forwards it again: act once.
    if (interrupted) return;
    interrupted = true;
    consoleLog(`${signal}: stopping`);
    if (running.jest) running.jest.kill(signal);
    else void running.stack?.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  const [stack, testServer] = await Promise.all([
    startLocalStack({ dataDir: path.join(root, '.data/test'), persistent: false }),
    ensureTimeSkippingServer(consoleLog).catch((e: Error) => {
      consoleLog(`no time-skipping test server (${e.message}); workflow tests fall back to the SDK download`);
      return undefined;
    }),
  ]);
  running.stack = stack;
  consoleLog(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (interrupted) {
    await stack.stop();
    return 130;
  }

  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      DUBAN_TEST: '1',
    };
    if (testServer) env.TEMPORAL_TEST_SERVER_PATH = testServer;
    const jest = spawn(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', ...args], { cwd: root, stdio: 'inherit', env });
    running.jest = jest;
    const code = await new Promise<number>((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
    return interrupted ? 130 : code;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exit(1);
  },
);
