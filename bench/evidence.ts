/**
 * Evidence benchmark: uploads of 5 MB and 200 MB files through POST /files, and the round
 * archive of 700 units through GET /rounds/{id}/evidence.zip, on a fresh local stack; the app's
 * peak RSS is sampled in each phase to show that it does not grow with file size.
 *
 *   npm run bench -- evidence [--small 100] [--small-mb 5] [--large 20] [--large-mb 200] [--units 700] [--unit-kb 512] [--json]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack, type LocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { Api, eachLimited, sleep } from './lib/api';
import { ROOT, runTs, startApp, type RunningApp } from './lib/app';
import { machine } from './lib/machine';
import { ProcSampler } from './lib/proc';

const MiB = 1024 * 1024;
const log = (m: string) => console.error(`[bench] ${m}`);

/** A file of `bytes` random bytes on disk, made once; each upload prefixes a unique PDF header. */
function payload(dir: string, bytes: number): string {
  const file = path.join(dir, `payload-${bytes}.bin`);
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return file;
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= MiB) fs.writeSync(fd, randomBytes(Math.min(MiB, left)));
  fs.closeSync(fd);
  return file;
}

/** POST /files streaming from disk (a file-backed Blob), so the benchmark itself holds no file. */
async function upload(baseUrl: string, token: string, file: string, name: string): Promise<{ id: string; size: number }> {
  const head = Buffer.from(`%PDF-1.4\n% ${randomBytes(12).toString('hex')}\n`);
  const form = new FormData();
  form.append('file', new Blob([head, await fs.openAsBlob(file)]), name);
  const res = await fetch(`${baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /files: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function uploads(app: RunningApp, baseUrl: string, token: string, file: string, count: number, concurrency: number) {
  const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
  const size = fs.statSync(file).size;
  sampler.start();
  const started = Date.now();
  await eachLimited(Array.from({ length: count }), concurrency, async (_, i) => void (await upload(baseUrl, token, file, `证明材料-${i}.pdf`)));
  const seconds = (Date.now() - started) / 1000;
  const sample = sampler.stop().app;
  return { count, fileMiB: Math.round(size / MiB), concurrency, seconds: Math.round(seconds * 10) / 10, filesPerSecond: Math.round((count / seconds) * 100) / 100, MiBPerSecond: Math.round(((count * size) / MiB / seconds) * 10) / 10, appPeakRssMiB: Math.round(sample.sampledPeakKiB / 1024) };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      small: { type: 'string', default: '100' }, 'small-mb': { type: 'string', default: '5' },
      large: { type: 'string', default: '20' }, 'large-mb': { type: 'string', default: '200' },
      units: { type: 'string', default: '700' }, 'unit-kb': { type: 'string', default: '512' },
      json: { type: 'boolean', default: false },
    },
  });
  const dataDir = path.join(ROOT, '.data', 'bench-evidence');
  fs.mkdirSync(dataDir, { recursive: true });
  let stack: LocalStack | undefined;
  let app: RunningApp | undefined;
  try {
    const before = machine();
    stack = await startLocalStack({ dataDir, persistent: false, log: (m) => console.error(`[stack] ${m}`) });
    const filesDir = path.join(dataDir, 'files');
    fs.rmSync(filesDir, { recursive: true, force: true });
    const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: 'duban-bench-evidence', LOG_LEVEL: 'warn', DUBAN_FILES_DIR: filesDir, DUBAN_FILE_MAX_BYTES: String(256 * MiB) };
    const officeToken = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '基准测试办公室', '--label', 'bench'], { ...process.env, DATABASE_URL: stack.databaseUrl })).trim().split('\n').pop()!;
    const port = await freePort();
    app = await startApp({ port, env, logFile: path.join(dataDir, 'app.log') });
    const baseUrl = `http://127.0.0.1:${port}`;
    const office = new Api(`${baseUrl}/api/v1`, officeToken);
    const rssMiB = () => Math.round(Number(fs.readFileSync(`/proc/${app!.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1]) / 1024);
    const idle = rssMiB();

    const units = Number(values.units);
    log(`creating ${units} units with tokens`);
    const codes = Array.from({ length: units }, (_, i) => `be-${String(i + 1).padStart(5, '0')}`);
    await eachLimited(codes, 8, async (code) => void (await office.post('/units', { code, name: `基准单位 ${code}`, kind: 'sme', officeCode: 'bench' })));
    const tokens: string[] = [];
    await eachLimited(codes, 8, async (code, i) => void (tokens[i] = (await office.post<{ token: string }>('/tokens', { kind: 'unit', code })).body.token));

    const small = payload(dataDir, Number(values['small-mb']) * MiB);
    const large = payload(dataDir, Number(values['large-mb']) * MiB);
    log(`uploading ${values.small} x ${values['small-mb']} MB`);
    const smallRun = await uploads(app, baseUrl, tokens[0], small, Number(values.small), 4);
    log(`uploading ${values.large} x ${values['large-mb']} MB`);
    const largeRun = await uploads(app, baseUrl, tokens[0], large, Number(values.large), 2);

    log(`archive: ${units} units, one ${values['unit-kb']} KB file each`);
    await office.post('/task-templates', { code: 'be-doc', category: '思想引领', title: '制度建设', evidence: ['documents'], weight: 10, dueWorkingDays: 10 });
    const { body: round } = await office.post<{ id: string }>('/rounds', { title: '证明材料归档基准', period: 'bench', unitCodes: codes, tasks: [{ templateCode: 'be-doc' }], closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    for (;;) {
      const r = await office.get<{ counts: { tasks: number; issued: number } }>(`/rounds/${round.id}`);
      if (r.counts.tasks === units && r.counts.issued === units) break;
      await sleep(500);
    }
    const unitFile = payload(dataDir, Number(values['unit-kb']) * 1024);
    await eachLimited(codes, 6, async (_, i) => {
      const unit = new Api(`${baseUrl}/api/v1`, tokens[i]);
      const file = await upload(baseUrl, tokens[i], unitFile, `制度汇编-${codes[i]}.pdf`);
      const [task] = await unit.get<Array<{ id: string }>>(`/me/tasks?roundId=${round.id}`);
      await unit.post(`/tasks/${task.id}/submissions`, { summary: '已完成', evidence: [{ kind: 'documents', title: '制度汇编', fileId: file.id }] });
    });
    // What the app holds before the archive is asked for: the round's 700 unit workflows are in the worker's cache by now.
    await sleep(2000);
    const beforeArchive = rssMiB();
    const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
    sampler.start();
    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/v1/rounds/${round.id}/evidence.zip`, { headers: { authorization: `Bearer ${officeToken}` } });
    let archiveBytes = 0;
    for await (const chunk of res.body!) archiveBytes += (chunk as Uint8Array).length;
    const archiveSeconds = (Date.now() - started) / 1000;
    const archive = { status: res.status, units, files: units, archiveMiB: Math.round(archiveBytes / MiB), seconds: Math.round(archiveSeconds * 10) / 10, appRssBeforeMiB: beforeArchive, appPeakRssMiB: Math.round(sampler.stop().app.sampledPeakKiB / 1024) };

    const report = { benchmark: 'evidence', command: `npm run bench -- evidence ${argv.join(' ')}`.trim(), machine: before, loadAverageAfter: machine().loadAverage, appIdleRssMiB: idle, uploads: [smallRun, largeRun], archive };
    console.log(values.json ? JSON.stringify(report, null, 2) : JSON.stringify(report, null, 2));
    return 0;
  } finally {
    await app?.stop().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
  }
}
