// `npm run test:cluster [-- jest args]`: the fault tests of tests/cluster. Their global setup starts the whole
// cluster stack (scripts/stack/cluster.ts) itself, since the tests stop and start its processes.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const started = Date.now();
const jest = spawn(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--config', 'jest.cluster.config.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env: { ...process.env, DUBAN_TEST: '1' } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => jest.kill(signal));
jest.on('exit', (code, signal) => {
  console.error(`[cluster] npm run test:cluster took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(code ?? (signal ? 130 : 1));
});
