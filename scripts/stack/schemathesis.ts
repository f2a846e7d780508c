import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Log } from './log';
import { cacheDir, onPath } from './temporal';

const exec = promisify(execFile);

/** The fuzzer that checks the API against its own OpenAPI document (tests/integration/fuzz.test.ts). */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * The `st` command of a pinned schemathesis, in a virtualenv of its own under the cache, installed
 * from PyPI the first time. A marker written last tells a finished install from an interrupted one.
 */
export async function ensureSchemathesis(log: Log): Promise<string> {
  const dir = path.join(cacheDir(), `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = path.join(dir, 'bin', 'st');
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker) && fs.existsSync(st)) return st;

  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('python3 is not installed; the API fuzz test needs it for schemathesis');
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  await exec(python, ['-m', 'venv', dir]);
  await exec(path.join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  fs.writeFileSync(marker, `${SCHEMATHESIS_VERSION}\n`);
  return st;
}
