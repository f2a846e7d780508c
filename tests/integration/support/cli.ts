import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './processes';

const exec = promisify(execFile);

/**
 * Runs the product's CLI against `databaseUrl` and returns the last line it printed (where
 * it prints tokens). `npm` goes through `npm run cli --` as a user would; otherwise tsx directly.
 */
export async function runCli(args: string[], databaseUrl: string, via: 'npm' | 'tsx' = 'tsx'): Promise<string> {
  const [cmd, cmdArgs] = via === 'npm' ? ['npm', ['run', 'cli', '--', ...args]] : [process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/cli.ts', ...args]];
  const { stdout } = await exec(cmd, cmdArgs, { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 });
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new Error(`cli ${args.join(' ')} printed nothing`);
  return lines[lines.length - 1];
}
