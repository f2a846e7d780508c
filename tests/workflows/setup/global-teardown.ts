import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE_ENV } from '../support/bundle';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[BUNDLE_ENV];
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
