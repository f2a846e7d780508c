import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_FILE } from '../src/workflow-code';

const root = path.resolve(__dirname, '..');

function compile(out: string): Promise<void> {
  const tsc = spawn(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve, reject) => tsc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc failed (exit ${code})`)))));
}

/**
 * Writes everything a production process needs besides node_modules into one folder (dist/ unless --out-dir):
 * the compiled code, the workflow bundle, and the files the compiled code reads relative to itself (the pages,
 * the migrations). The folder must sit inside the project so that the compiled code finds node_modules.
 */
async function main() {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
  const out = path.resolve(root, values['out-dir']);
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  // tsc and the workflow bundle are independent; side by side they use both cores.
  const [, { code }] = await Promise.all([
    compile(out),
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  for (const dir of ['web', 'prisma/migrations', 'domain/data']) fs.cpSync(path.join(root, dir), path.join(out, dir), { recursive: true });
  fs.writeFileSync(path.join(out, WORKFLOW_BUNDLE_FILE), code);
  const size = `${Math.round(code.length / 1024)} KiB`;
  console.log(`built ${path.relative(root, out)}/ with ${WORKFLOW_BUNDLE_FILE} (${size}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
