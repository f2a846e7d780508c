import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Log } from './log';
import { freePort } from './ports';
import { cacheDir, onPath, run } from './temporal';

export const VERSITYGW_VERSION = 'v1.8.0';

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** Versity's S3 gateway (Apache-2.0), built from the Go module proxy once and cached; null when it cannot be had. */
export async function ensureVersityGw(log: Log): Promise<string | null> {
  if (process.env.VERSITYGW_PATH) return process.env.VERSITYGW_PATH;
  const found = onPath('versitygw');
  if (found) return found;
  const binDir = path.join(cacheDir(), 'bin');
  const cached = path.join(binDir, 'versitygw');
  if (fs.existsSync(cached)) return cached;
  if (!onPath('go')) return null;
  fs.mkdirSync(binDir, { recursive: true });
  const buildLog = path.join(cacheDir(), 'go-install-versitygw.log');
  log(`building the S3 gateway versitygw ${VERSITYGW_VERSION} with go install; the first build takes a few minutes (output: ${buildLog})`);
  const started = Date.now();
  try {
    await run('go', ['install', `github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}`], { ...process.env, GOBIN: binDir }, buildLog);
  } catch (e) {
    log(`go install of versitygw failed: ${(e as Error).message}`);
    return null;
  }
  log(`versitygw built in ${Math.round((Date.now() - started) / 1000)} s: ${cached}`);
  return cached;
}

/** A real S3-compatible server on a free port, serving a fresh folder under `dataDir`. */
export async function startS3Server(opts: { dataDir: string; log: Log }): Promise<S3Server | null> {
  const binary = await ensureVersityGw(opts.log);
  if (!binary) return null;
  const root = path.join(opts.dataDir, 's3', 'buckets');
  const sidecar = path.join(opts.dataDir, 's3', 'meta');
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(sidecar, { recursive: true });
  const port = await freePort();
  const accessKeyId = 'duban-test';
  const secretAccessKey = randomBytes(18).toString('base64url');
  const logFile = path.join(opts.dataDir, 'versitygw.log');
  const out = fs.openSync(logFile, 'w');
  // Metadata in a sidecar folder, so the store works on filesystems without extended attributes.
  const child = spawn(binary, ['--access', accessKeyId, '--secret', secretAccessKey, '--port', `127.0.0.1:${port}`, 'posix', '--sidecar', sidecar, root], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await fetch(endpoint).then(() => true, () => false)) {
      opts.log(`S3 gateway (versitygw) on ${endpoint}, folder ${root}`);
      return { endpoint, accessKeyId, secretAccessKey, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`versitygw did not start:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
}
