#!/usr/bin/env node
// Runs before `npm ci`, so it may use nothing but Node itself.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const commands = ['start', 'start-cluster', 'test', 'test-cluster', 'cli', 'bench', 'migrate', 'build'];
const [cmd, ...args] = process.argv.slice(2);

function mtime(file) {
  try {
    return fs.statSync(path.join(root, file)).mtimeMs;
  } catch {
    return undefined;
  }
}

function tryRun(command, commandArgs, env = process.env) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) console.error(`bootstrap: ${command} ${commandArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r.status === 0;
}

function run(command, commandArgs, env) {
  if (!tryRun(command, commandArgs, env)) process.exit(1);
}

if (!commands.includes(cmd)) {
  console.error(`usage: node scripts/bootstrap.js <${commands.join('|')}> [args...]`);
  process.exit(2);
}

const installed = mtime('node_modules/.package-lock.json');
if (installed === undefined || mtime('package-lock.json') > installed) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm ci` only: it installs exactly the committed lock and never rewrites it. The lock lists every platform's
  // optional binaries, so a failure here is a real problem (a registry or mirror without the locked versions).
  if (!tryRun(npm, ['ci', '--no-audit', '--no-fund'])) {
    console.error('bootstrap: `npm ci` failed; the committed package-lock.json was left as it is. Fix the cause above (registry access, or a lock out of step with package.json) and run again.');
    process.exit(1);
  }
}

const client = mtime('generated/prisma/client.ts');
if (client === undefined || mtime('prisma/schema.prisma') > client) {
  run(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
    ...process.env,
    // generate only checks that the schema engine exists; Prisma's host that serves it is unreachable offline.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
}

const script = path.join('scripts', `${cmd}.ts`);
if (!fs.existsSync(path.join(root, script))) {
  console.error(`bootstrap: ${script} does not exist`);
  process.exit(1);
}
// tsx as a loader, not its CLI: the CLI's parent process SIGKILLs a child that does not acknowledge a relayed
// signal within 30 ms, which on a loaded machine cut short the stack's cleanup after Ctrl-C.
const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
