#!/usr/bin/env node
// Runs before `npm install`, so it may use nothing but Node itself.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const commands = ['start', 'test', 'cli', 'bench', 'migrate'];
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
  // A registry mirror without some other platform's optional binaries yields a lock that `npm ci` rejects as
  // out of sync; `npm install` still installs exactly the locked versions from it.
  if (!tryRun(npm, ['ci', '--no-audit', '--no-fund'])) {
    console.error('bootstrap: retrying with npm install');
    run(npm, ['install', '--no-audit', '--no-fund']);
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
