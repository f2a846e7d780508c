import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE_ENV, bundleWorkflows } from '../support/bundle';

/** Bundles the workflows once for every workflow test file of this run (webpack takes several seconds). */
export default async function globalSetup(): Promise<void> {
  const { code } = await bundleWorkflows();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'duban-workflows-')), 'bundle.js');
  fs.writeFileSync(file, code);
  process.env[BUNDLE_ENV] = file;
}
