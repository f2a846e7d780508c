import fs from 'node:fs';
import path from 'node:path';

/** The workflow bundle `npm run build` writes at the top of dist/, beside the compiled folders. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string };

/**
 * The rule: compiled code (dist/, from `npm run build`) runs the bundle built with it and refuses to start
 * without one; the TypeScript sources (tsx, Jest) bundle the workflows on start. Deciding by what is running,
 * not by an environment variable, means a production process can never bundle at start, and a developer's
 * edit to a workflow is never shadowed by a stale bundle.
 */
export function workflowCode(): WorkflowCode {
  if (path.extname(__filename) !== '.js') return { workflowsPath: require.resolve('../workflows') };
  const codePath = path.resolve(__dirname, '..', WORKFLOW_BUNDLE_FILE);
  if (!fs.existsSync(codePath)) throw new Error(`no workflow bundle at ${codePath}: run \`npm run build\`, which writes it with the compiled code`);
  return { workflowBundle: { codePath } };
}
