import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalStack, type LocalStack } from './stack';
import { consoleLog } from './stack/log';
import { ensureSchemathesis } from './stack/schemathesis';
import { startS3Server } from './stack/s3';
import { ensureTimeSkippingServer } from './stack/test-server';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const CHROMIUM = process.env.DUBAN_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a Jest project is among those Jest will run, from --selectProjects / --ignoreProjects. */
function willRun(project: string, argv: string[]): boolean {
  const named = (flag: string) =>
    argv.flatMap((a, i) => {
      if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1).split(',');
      if (a !== flag) return [];
      const end = argv.findIndex((b, j) => j > i && b.startsWith('-'));
      return argv.slice(i + 1, end === -1 ? undefined : end);
    });
  const selected = named('--selectProjects');
  return !named('--ignoreProjects').includes(project) && (selected.length === 0 || selected.includes(project));
}

/**
 * The browser tests drive Debian's chromium (a CJK font keeps their screenshots legible). As root on
 * Debian, installs what is missing; otherwise says what to install. Without chromium the e2e tests fail.
 */
function ensureChromium(): void {
  const missing = [
    ...(fs.existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).stdout?.trim() ? [] : ['fonts-wqy-microhei']),
  ];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !fs.existsSync('/etc/debian_version')) {
    consoleLog(`browser tests: ${missing.join(', ')} missing; install with \`apt-get install ${missing.join(' ')}\`${missing.includes('chromium') ? ' (the e2e tests fail without chromium)' : ''}`);
    return;
  }
  consoleLog(`browser tests: installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (aptArgs: string[]) => spawnSync('apt-get', aptArgs, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  const ok = apt(['update']) && apt(['install', '-y', ...missing]);
  consoleLog(ok && fs.existsSync(CHROMIUM) ? `browser tests: installed ${missing.join(', ')}` : `browser tests: could not install ${missing.join(', ')}; the e2e tests will fail without chromium`);
}

async function main(): Promise<number> {
  const lint = spawnSync(process.execPath, ['node_modules/eslint/bin/eslint.js', '.'], { cwd: root, stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('eslint failed; fix the problems above before the tests run');
    return lint.status ?? 1;
  }
  if (willRun('e2e', args)) ensureChromium();

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
  const dataDir = path.resolve(root, process.env.DUBAN_TEST_DATA_DIR ?? '.data/test');
  const [stack, testServer, schemathesis, s3] = await Promise.all([
    startLocalStack({ dataDir, persistent: false }),
    ensureTimeSkippingServer(consoleLog).catch((e: Error) => {
      consoleLog(`no time-skipping test server (${e.message}); workflow tests fall back to the SDK download`);
      return undefined;
    }),
    // The fuzz test in the integration project fails, saying why, when schemathesis could not be installed.
    willRun('integration', args)
      ? ensureSchemathesis(consoleLog).catch((e: Error) => {
          consoleLog(`no schemathesis (${e.message}); the API fuzz test will fail`);
          return undefined;
        })
      : undefined,
    // The S3 evidence store's tests run against a real S3-compatible server, not a mock.
    willRun('integration', args)
      ? startS3Server({ dataDir, log: consoleLog }).catch((e: Error) => {
          consoleLog(`no S3 gateway (${e.message}); the S3 evidence tests will fail`);
          return null;
        })
      : null,
  ]);
  running.stack = stack;
  consoleLog(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (interrupted) {
    await s3?.stop();
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
    // A test that stops and starts the database (tests/integration/unavailable.test.ts) needs its folder.
    if (!process.env.DATABASE_URL) env.DUBAN_TEST_PG_DIR = path.join(dataDir, 'pg');
    if (testServer) env.TEMPORAL_TEST_SERVER_PATH = testServer;
    if (schemathesis) env.DUBAN_SCHEMATHESIS = schemathesis;
    if (s3) Object.assign(env, { DUBAN_TEST_S3_ENDPOINT: s3.endpoint, DUBAN_TEST_S3_ACCESS_KEY_ID: s3.accessKeyId, DUBAN_TEST_S3_SECRET_ACCESS_KEY: s3.secretAccessKey });
    const jest = spawn(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', ...args], { cwd: root, stdio: 'inherit', env });
    running.jest = jest;
    const code = await new Promise<number>((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
    return interrupted ? 130 : code;
  } finally {
    await s3?.stop();
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
