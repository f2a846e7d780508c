import fs from 'node:fs';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';

/** Set by tests/workflows/setup/global-setup.ts: the file holding the workflows bundled once per Jest run. */
export const BUNDLE_ENV = 'DUBAN_WORKFLOW_BUNDLE';

export async function bundleWorkflows(workflowsPath = require.resolve('../../../workflows')): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
}

let bundled: Promise<{ code: string }> | undefined;

/** The production workflows: the global setup's bundle when it ran, else bundled here once per process. */
export function workflowBundle(): Promise<{ code: string }> {
  const file = process.env[BUNDLE_ENV];
  if (file && fs.existsSync(file)) return Promise.resolve({ code: fs.readFileSync(file, 'utf8') });
  bundled ??= bundleWorkflows();
  return bundled;
}

/** The SDK's own log lines at warn and above only; once per module registry (Jest gives each file its own). */
export function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed, or instantiated by a worker or test environment created earlier in this registry
  }
}
