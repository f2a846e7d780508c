/**
 * Directory import benchmark: a national-scale list goes in through POST /imports.
 * Builds an xlsx of U units (under a few city offices) and one of O observers, uploads each
 * over HTTP, and times each import from the request to its 200, with the app's peak RSS.
 * A second upload of the same files (every row unchanged) is timed too.
 *
 *   npm run bench -- import --units 20000 --observers 60000 [--runs 1] [--json]
 */
import { parseArgs } from 'node:util';
import { directoryWorkbooks } from '../store/directoryWorkbook';
import { OBSERVER_ROLES, UNIT_KINDS } from '../domain/vocabulary';
import { startLocalStack } from '../scripts/stack';
import { freePort } from '../scripts/stack/ports';
import { Api } from './lib/api';
import { ROOT, runTs, startApp } from './lib/app';
import { machine, median } from './lib/machine';
import { ProcSampler } from './lib/proc';

const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const CITIES = 11;

async function upload(baseUrl: string, token: string, kind: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), `${kind}.xlsx`);
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/api/v1/imports?kind=${kind}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`import ${kind}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return { seconds: seconds(performance.now() - t0), result: JSON.parse(text) as { created: number; unchanged: number } };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { units: { type: 'string', default: '20000' }, observers: { type: 'string', default: '60000' }, runs: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } } });
  const units = Number(values.units);
  const observers = Number(values.observers);
  const runs = Number(values.runs);
  const stack = await startLocalStack({ dataDir: `${ROOT}/.data/bench-import`, persistent: false, log });
  const env = { ...process.env, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: 'duban-bench', LOG_LEVEL: 'warn' };
  const port = await freePort();
  const token = (await runTs('scripts/cli.ts', ['init', '--office', 'bench', '--name', '全国产改办'], env)).trim().split('\n').pop()!;
  const app = await startApp({ port, env, logFile: `${ROOT}/.data/bench-import/app.log` });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = new Api(baseUrl, token);
    const report: Record<string, unknown> = { benchmark: 'import', date: new Date().toISOString(), units, observers, machine: machine(), runs: [] as unknown[] };
    for (let run = 1; run <= runs; run++) {
      const p = `r${run}`;
      const cities = Array.from({ length: CITIES }, (_, i) => `${p}-c${i + 1}`);
      for (const [i, code] of cities.entries()) await api.post('/api/v1/offices', { code, name: `基准市产改办 ${i + 1}`, level: 'city' });
      const unitRows = Array.from({ length: units }, (_, i) => ({ code: `${p}-u${i + 1}`, name: `基准试点企业 ${i + 1}`, kind: UNIT_KINDS[i % UNIT_KINDS.length], officeCode: cities[i % CITIES] }));
      const observerRows = Array.from({ length: observers }, (_, i) => ({ code: `${p}-o${i + 1}`, name: `观察员 ${i + 1}`, role: OBSERVER_ROLES[i % 3], unitCode: unitRows[i % units].code }));
      const unitFile = await directoryWorkbooks({ units: unitRows });
      const observerFile = await directoryWorkbooks({ observers: observerRows });
      log(`run ${run}: units.xlsx ${(unitFile.length / 1048576).toFixed(1)} MB, observers.xlsx ${(observerFile.length / 1048576).toFixed(1)} MB`);

      const sampler = new ProcSampler([{ name: 'app', pid: app.pid, children: false }]);
      sampler.start();
      const unitImport = await upload(baseUrl, token, 'units', unitFile);
      const observerImport = await upload(baseUrl, token, 'observers', observerFile);
      const unitAgain = await upload(baseUrl, token, 'units', unitFile);
      const observerAgain = await upload(baseUrl, token, 'observers', observerFile);
      const samples = sampler.stop();
      if (unitImport.result.created !== units || observerImport.result.created !== observers || unitAgain.result.unchanged !== units || observerAgain.result.unchanged !== observers) {
        throw new Error(`unexpected counts: ${JSON.stringify([unitImport.result, observerImport.result, unitAgain.result, observerAgain.result])}`);
      }
      const result = {
        unitsSeconds: unitImport.seconds,
        observersSeconds: observerImport.seconds,
        totalSeconds: seconds((unitImport.seconds + observerImport.seconds) * 1000),
        unchangedUnitsSeconds: unitAgain.seconds,
        unchangedObserversSeconds: observerAgain.seconds,
        appPeakRssMiB: Math.round(samples.app.peakKiB / 102.4) / 10,
        appCpuSeconds: samples.app.cpuSeconds,
      };
      log(`run ${run}: ${units} units in ${result.unitsSeconds} s, ${observers} observers in ${result.observersSeconds} s; again (unchanged) ${result.unchangedUnitsSeconds} s + ${result.unchangedObserversSeconds} s; app peak RSS ${result.appPeakRssMiB} MiB`);
      (report.runs as unknown[]).push(result);
    }
    report.medianTotalSeconds = median((report.runs as Array<{ totalSeconds: number }>).map((r) => r.totalSeconds));
    console.log(values.json ? JSON.stringify(report, null, 2) : report);
    return 0;
  } finally {
    await app.stop();
    await stack.stop();
  }
}
