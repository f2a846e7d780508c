import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOffice, createTaskTemplate, createUnitWithToken, mintToken, root, uniqueCode, type Office } from './support/fixtures';
import { expectStatus } from './support/http';
import { someAddress } from './support/people';
import { roundBody, waitUntilIssued } from './support/rounds';
import { stack } from './support/stack';
import { myTask, submitTask } from './support/tasks';

const FUZZ_DIR = path.resolve(__dirname, '../fuzz');
/** Per token, so that the whole run stays within a few minutes on a shared two-core machine. */
const BUDGET = { office: { seconds: 150, examples: 25 }, unit: { seconds: 45, examples: 10 }, observer: { seconds: 30, examples: 10 } };

interface Seeded {
  office: Office;
  tokens: Record<keyof typeof BUDGET, string>;
  env: Record<string, string>;
}

/** One of each record the paths take an id of, so the fuzzer reaches rows rather than 404s. */
async function seed(): Promise<Seeded> {
  const office = await createOffice(root(), 'city');
  const unit = await createUnitWithToken(office.api, office.code);
  const observer = uniqueCode('obs');
  expectStatus(await office.api.post('/observers', { code: observer, name: '观察员', role: 'frontline', unitCode: unit.code }), 201);
  const template = await createTaskTemplate(office.api);
  const questionnaire = uniqueCode('q');
  const questions = [{ id: 'hear', text: '宣讲到位吗？', kind: 'likert5', dimension: 'hear', required: true }];
  expectStatus(await office.api.post('/questionnaire-templates', { code: questionnaire, title: '观察员问卷', questions }), 201);
  const now = Date.now();
  const windows = [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 86_400_000).toISOString() }];
  const roundId = expectStatus(await office.api.post('/rounds', roundBody([unit.code], [template.code], { questionnaire: { templateCode: questionnaire, windows } })), 202).id;
  await waitUntilIssued(office.api, roundId);
  const task = await myTask(unit.api, roundId, template.code);
  const { submissionId } = expectStatus(await submitTask(unit.api, task.id, `fuzz-${task.id}`), 201);
  const [window] = expectStatus(await office.api.get(`/rounds/${roundId}/questionnaires`), 200);
  return {
    office,
    tokens: { office: office.api.token!, unit: unit.api.token!, observer: await mintToken(office.api, 'observer', observer) },
    env: { FUZZ_ROUND_ID: roundId, FUZZ_TASK_ID: task.id, FUZZ_SUBMISSION_ID: submissionId, FUZZ_WINDOW_ID: window.windowId, FUZZ_UNIT_CODE: unit.code },
  };
}

/** Runs schemathesis with every check against the API under test; resolves with its exit code and output. */
function schemathesis(token: string, budget: { seconds: number; examples: number }, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const st = process.env.DUBAN_SCHEMATHESIS;
  if (!st) throw new Error('DUBAN_SCHEMATHESIS is not set: run through `npm test`, which installs schemathesis');
  const { baseUrl } = stack();
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-fuzz-'));
  const args = [
    '--config-file', path.join(FUZZ_DIR, 'schemathesis.toml'), 'run', `${baseUrl}/api/openapi.json`, '--url', `${baseUrl}/api/v1`,
    '-H', `Authorization: Bearer ${token}`,
    // Its own client address: the fuzzer's failed sign-ins fill the per-address limit, which must not
    // lock out the other suites that share this API from loopback.
    '-H', `X-Forwarded-For: ${someAddress()}`, '--checks', 'all', '--max-examples', String(budget.examples), '--max-time', String(budget.seconds),
    '--seed', '20261130', '--no-color', '--report-dir', reportDir,
  ];
  return new Promise((resolve) => {
    // Run in the scratch directory: st keeps a .schemathesis/ folder in its working directory.
    const child = spawn(st, args, { cwd: reportDir, env: { ...process.env, ...env, DUBAN_FUZZ_HOOKS: path.join(FUZZ_DIR, 'hooks.py') } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The lines of the summary that count failures and errors, for a readable assertion. */
const summary = (output: string) => output.split('\n').filter((l) => /❌|🚫|ST\d{3}|Runtime Error|failures?,|passed/.test(l)).join('\n');

let seeded: Seeded;

beforeAll(async () => {
  seeded = await seed();
}, 180_000);

describe('the API against its own OpenAPI document (schemathesis)', () => {
  test.each(Object.keys(BUDGET) as Array<keyof typeof BUDGET>)(
    'when schemathesis fuzzes every operation as the %s, then it finds no server error, no response outside the document and no valid request refused',
    async (who) => {
      const { code, output } = await schemathesis(seeded.tokens[who], BUDGET[who], seeded.env);
      // The whole report when it fails; its counts otherwise, so a run shows how much it tried.
      console.log(code === 0 ? `${who}: ${summary(output).split('\n').filter((l) => /generated|passed|Seed/.test(l)).join(' | ')}` : output);
      expect({ exitCode: code, summary: summary(output) }).toEqual({ exitCode: 0, summary: expect.any(String) });
    },
    400_000,
  );
});
