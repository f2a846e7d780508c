import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_FILE } from '../src/workflow-code';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

/**
 * dist/ holds everything a production process needs besides node_modules: the compiled code, the workflow
 * bundle, and the files the compiled code reads relative to itself (the pages, the migrations).
 */
async function main() {
  const started = Date.now();
  fs.rmSync(dist, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  for (const dir of ['web', 'prisma/migrations']) fs.cpSync(path.join(root, dir), path.join(dist, dir), { recursive: true });

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
  fs.writeFileSync(path.join(dist, WORKFLOW_BUNDLE_FILE), code);
  console.log(`built dist/ with ${WORKFLOW_BUNDLE_FILE} (${Math.round(code.length / 1024)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
