import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from './cli';
import { sql } from './db';
import { api, expectStatus, type Api } from './http';
import { waitFor } from './poll';
import { roundBody, waitForRound, waitUntilIssued } from './rounds';
import { stack } from './stack';
import { myTask, submitTask } from './tasks';

// One small tree of offices, units and observers with a round, a submission, a questionnaire
// window with responses, a closed round with an evaluation, programmes and webhooks on both
// sides of every boundary, and a model of who may see what, to scan replies against.
//
//   province P
//   ├── city  X<run>-b   (owner: launches the rounds)   unit u1 (observers o1, o1b), county below
//   │   └── county K                                   unit uk (observer ok)
//   ├── city  X<run>_b   (sibling: LIKE reads "_" as any character)   unit us (observer os)
//   └── city  X<run>.b   (a third look-alike)           unit ut (observer ot)
//
// Every code is a role tag of the same length plus the same run suffix, so no code is a
// substring of another and a scan for one cannot hit a different one.

const run = randomBytes(3).toString('hex');

export const OFFICES = ['parent', 'owner', 'sibling', 'third', 'child'] as const;
export const UNITS = ['u1', 'uk', 'us', 'ut'] as const;
export const OBSERVERS = ['o1', 'o1b', 'ok', 'os', 'ot'] as const;
export const ROUNDS = ['r', 'rs', 'rc', 'rsib'] as const;
export type OfficeKey = (typeof OFFICES)[number];
export type UnitKey = (typeof UNITS)[number];
export type ObserverKey = (typeof OBSERVERS)[number];
export type RoundKey = (typeof ROUNDS)[number];

export const CALLERS = ['owner', 'parent', 'sibling', 'child', 'unit', 'neighbourUnit', 'otherUnit', 'observer', 'otherObserver', 'anonymous', 'revoked'] as const;
export type CallerKey = (typeof CALLERS)[number];

/** Who each caller is: an office, a unit or an observer of the world, or nobody. */
const PRINCIPAL: Record<CallerKey, { office?: OfficeKey; unit?: UnitKey; observer?: ObserverKey }> = {
  owner: { office: 'owner' },
  parent: { office: 'parent' },
  sibling: { office: 'sibling' },
  child: { office: 'child' },
  unit: { unit: 'u1' },
  neighbourUnit: { unit: 'uk' },
  otherUnit: { unit: 'us' },
  observer: { observer: 'o1' },
  otherObserver: { observer: 'os' },
  anonymous: {},
  revoked: {},
};

const OFFICE_CODES: Record<OfficeKey, string> = { parent: `PRV${run}-p`, owner: `X${run}-b`, sibling: `X${run}_b`, third: `X${run}.b`, child: `CTY${run}k` };
const OFFICE_PARENT: Record<OfficeKey, OfficeKey | null> = { parent: null, owner: 'parent', sibling: 'parent', third: 'parent', child: 'owner' };
const UNIT_OFFICE: Record<UnitKey, OfficeKey> = { u1: 'owner', uk: 'child', us: 'sibling', ut: 'third' };
const OBSERVER_UNIT: Record<ObserverKey, UnitKey> = { o1: 'u1', o1b: 'u1', ok: 'uk', os: 'us', ot: 'ut' };
const ROUND_OFFICE: Record<RoundKey, OfficeKey> = { r: 'owner', rs: 'owner', rc: 'owner', rsib: 'sibling' };
const ROUND_UNITS: Record<RoundKey, UnitKey[]> = { r: ['u1', 'uk'], rs: ['u1'], rc: ['u1', 'uk'], rsib: ['us'] };

const pathOf = (o: OfficeKey): string => (OFFICE_PARENT[o] ? `${pathOf(OFFICE_PARENT[o]!)}${OFFICE_CODES[o]}/` : `/${OFFICE_CODES[o]}/`);
/** Whether office `a` lies in the subtree of office `b` (itself included). */
const under = (a: OfficeKey, b: OfficeKey) => pathOf(a).startsWith(pathOf(b));

/**
 * Something a reply may mention, and whose it is:
 *   office      an office's code (its name holds it);
 *   unit        a unit's code (its name holds it);
 *   observer    an observer's code or what it answered;
 *   record      the id of a task or submission of a unit;
 *   round       the id of a round or of one of its questionnaire windows;
 *   owned       the id of a programme or webhook of an office;
 *   catalogue   a template code of an office (shared with the offices above and below it).
 */
export type Thing = { text: string } & (
  | { kind: 'office'; office: OfficeKey }
  | { kind: 'unit' | 'record'; unit: UnitKey }
  | { kind: 'observer'; observer: ObserverKey }
  | { kind: 'round'; round: RoundKey }
  | { kind: 'owned' | 'catalogue'; office: OfficeKey }
);

/**
 * The documented rule: an office sees its subtree (and knows the offices above it), a unit
 * itself, an observer itself; rounds are seen by the offices that launched them or hold one of
 * their units, and by the units in them. `address` asks whether the caller may name the thing
 * in a request, which for offices excludes those above it.
 */
export function sees(caller: CallerKey, t: Thing, address = false): boolean {
  const p = PRINCIPAL[caller];
  const unit = p.unit ?? (p.observer ? OBSERVER_UNIT[p.observer] : undefined);
  if (p.office) {
    const x = p.office;
    switch (t.kind) {
      case 'office':
        return under(t.office, x) || (!address && under(x, t.office));
      case 'catalogue':
        return under(t.office, x) || under(x, t.office);
      case 'owned':
        return under(t.office, x);
      case 'unit':
      case 'record':
        return under(UNIT_OFFICE[t.unit], x);
      case 'observer':
        return under(UNIT_OFFICE[OBSERVER_UNIT[t.observer]], x);
      case 'round':
        return under(ROUND_OFFICE[t.round], x) || ROUND_UNITS[t.round].some((u) => under(UNIT_OFFICE[u], x));
    }
  }
  if (!unit) return false;
  switch (t.kind) {
    case 'office':
      return under(UNIT_OFFICE[unit], t.office);
    case 'catalogue':
      // Task codes are template codes: a unit's own tasks name them.
      return !address;
    case 'owned':
      return false;
    case 'unit':
      return t.unit === unit;
    case 'record':
      return !p.observer && t.unit === unit;
    case 'observer':
      return t.observer === p.observer;
    case 'round':
      return ROUND_UNITS[t.round].includes(unit);
  }
}

export interface Person {
  code: string;
  name: string;
}

export interface World {
  run: string;
  period: string;
  offices: Record<OfficeKey, Person & { path: string }>;
  units: Record<UnitKey, Person>;
  observers: Record<ObserverKey, Person>;
  /** Task template codes of the owner (ta..tf) and the sibling (ts). */
  templates: Record<'ta' | 'tb' | 'tc' | 'td' | 'te' | 'tf' | 'tg' | 'th' | 'ts', string>;
  questionnaires: Record<'qa' | 'qs', string>;
  rounds: Record<RoundKey, string>;
  windows: { w: string; ws: string };
  /** Tasks by round, unit and template. */
  tasks: { r: { u1: Record<'ta' | 'tb', string>; uk: Record<'ta' | 'tb', string> }; rs: Record<'tc' | 'td' | 'te' | 'tf' | 'tg' | 'th', string> };
  submissions: { u1: string; uk: string; review: [string, string] };
  programmes: { owner: string; sibling: string; spare: string };
  webhooks: { owner: string; sibling: string; spare: [string, string] };
  /** A person of the owner office (invited, no password), and a spare unit token of u1 to revoke. */
  people: { owner: string; ownerUsername: string };
  spareToken: string;
  /** Open rounds for the two offices allowed to close, and the two allowed to cancel. */
  spareRounds: { close: [string, string]; cancel: [string, string] };
  /** What o1b wrote in the window: no one but offices over u1 may ever read it. */
  secret: string;
  hookUrl: string;
  tokens: Record<CallerKey, string | undefined>;
  things: Thing[];
}

export const QUESTIONS = [
  { id: 'sat', text: '总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true },
  { id: 'note', text: '其他意见', kind: 'text' },
];

const tokenFor = async (by: Api, kind: 'office' | 'unit' | 'observer', code: string): Promise<string> => expectStatus(await by.post('/tokens', { kind, code }), 201).token;

/** An HTTP endpoint that accepts every delivery, so webhook workflows finish at once. */
export async function startHookSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function buildWorld(hookUrl: string): Promise<World> {
  const period = `AUTHZ-${run}`;
  const offices = Object.fromEntries(OFFICES.map((k) => [k, { code: OFFICE_CODES[k], name: `${OFFICE_CODES[k]} 产改办`, path: pathOf(k) }])) as World['offices'];
  const units = Object.fromEntries(UNITS.map((k) => [k, { code: `U${k.toUpperCase()}${run}`, name: `试点企业 U${k.toUpperCase()}${run}` }])) as World['units'];
  const observers = Object.fromEntries(OBSERVERS.map((k) => [k, { code: `O${k.toUpperCase().padEnd(3, 'Z')}${run}`, name: `观察员 O${k.toUpperCase().padEnd(3, 'Z')}${run}` }])) as World['observers'];
  const templates = Object.fromEntries((['ta', 'tb', 'tc', 'td', 'te', 'tf', 'tg', 'th', 'ts'] as const).map((k) => [k, `T${k.toUpperCase()}${run}`])) as World['templates'];
  const questionnaires = { qa: `QQA${run}`, qs: `QQS${run}` };
  const secret = `绝密意见S${run}`;

  const parent = api(await runCli(['init', '--office', offices.parent.code, '--name', offices.parent.name], stack().env.DATABASE_URL));
  const officeApi: Partial<Record<OfficeKey, Api>> = { parent };
  for (const k of ['owner', 'sibling', 'third', 'child'] as const) {
    const by = officeApi[OFFICE_PARENT[k]!]!;
    const level = k === 'child' ? 'county' : 'city';
    expectStatus(await by.post('/offices', { code: offices[k].code, name: offices[k].name, level, parentCode: offices[OFFICE_PARENT[k]!].code }), 201);
    officeApi[k] = api(await tokenFor(by, 'office', offices[k].code));
  }
  const { owner, sibling, child } = officeApi as Record<OfficeKey, Api>;
  for (const k of UNITS) {
    expectStatus(await officeApi[UNIT_OFFICE[k]]!.post('/units', { ...units[k], kind: 'state_owned', officeCode: offices[UNIT_OFFICE[k]].code }), 201);
  }
  for (const k of OBSERVERS) {
    expectStatus(await officeApi[UNIT_OFFICE[OBSERVER_UNIT[k]]]!.post('/observers', { ...observers[k], role: 'frontline', unitCode: units[OBSERVER_UNIT[k]].code }), 201);
  }
  const u1 = api(await tokenFor(owner, 'unit', units.u1.code));
  const uk = api(await tokenFor(child, 'unit', units.uk.code));
  const us = api(await tokenFor(sibling, 'unit', units.us.code));
  const o1 = api(await tokenFor(owner, 'observer', observers.o1.code));
  const o1b = api(await tokenFor(owner, 'observer', observers.o1b.code));
  const ok = api(await tokenFor(child, 'observer', observers.ok.code));
  const os = api(await tokenFor(sibling, 'observer', observers.os.code));
  const revoked = await tokenFor(parent, 'office', offices.owner.code);
  await sql('UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1', [createHash('sha256').update(revoked).digest('hex')]);

  for (const k of ['ta', 'tb', 'tc', 'td', 'te', 'tf', 'tg', 'th', 'ts'] as const) {
    const by = k === 'ts' ? sibling : owner;
    expectStatus(await by.post('/task-templates', { code: templates[k], category: '思想引领', title: `任务 ${templates[k]}`, evidence: [], weight: 10, dueWorkingDays: 10 }), 201);
  }
  for (const [k, by] of [['qa', owner], ['qs', sibling]] as const) {
    expectStatus(await by.post('/questionnaire-templates', { code: questionnaires[k], title: `问卷 ${questionnaires[k]}`, questions: QUESTIONS }), 201);
  }

  const now = Date.now();
  const window = [{ opensAt: new Date(now).toISOString(), closesAt: new Date(now + 3600_000).toISOString() }];
  const launch = async (by: Api, unitKeys: UnitKey[], tpl: string[], extra: Record<string, unknown> = {}) =>
    expectStatus(await by.post('/rounds', roundBody(unitKeys.map((u) => units[u].code), tpl, { period, title: `督查 ${period}`, ...extra })), 202).id as string;
  const rounds: World['rounds'] = {
    r: await launch(owner, ['u1', 'uk'], [templates.ta, templates.tb], { questionnaire: { templateCode: questionnaires.qa, windows: window } }),
    rs: await launch(owner, ['u1'], [templates.tc, templates.td, templates.te, templates.tf, templates.tg, templates.th]),
    rc: await launch(owner, ['u1', 'uk'], [templates.ta]),
    rsib: await launch(sibling, ['us'], [templates.ts], { questionnaire: { templateCode: questionnaires.qs, windows: window } }),
  };
  const spare = [];
  for (let i = 0; i < 4; i++) spare.push(await launch(owner, ['u1'], [templates.ta]));
  await Promise.all([rounds.r, rounds.rs, rounds.rc, ...spare].map((id) => waitUntilIssued(owner, id)));
  await waitUntilIssued(sibling, rounds.rsib);

  const task = async (unit: Api, round: string, tpl: string) => (await myTask(unit, round, tpl)).id;
  const tasks: World['tasks'] = {
    r: { u1: { ta: await task(u1, rounds.r, templates.ta), tb: await task(u1, rounds.r, templates.tb) }, uk: { ta: await task(uk, rounds.r, templates.ta), tb: await task(uk, rounds.r, templates.tb) } },
    rs: Object.fromEntries(await Promise.all((['tc', 'td', 'te', 'tf', 'tg', 'th'] as const).map(async (k) => [k, await task(u1, rounds.rs, templates[k])]))) as World['tasks']['rs'],
  };
  // Ladder steps fire on working-day timers no test can wait for, and a step already past when a
  // task is planned is skipped; so the reminders each unit's office would have got are written as
  // the ladder writes them.
  await sql(
    `INSERT INTO escalations (id, round_id, task_id, unit_id, level, cycle, target_office_id, scheduled_at)
     SELECT gen_random_uuid(), t.round_id, t.id, t.unit_id, 'reminder', 0, u.office_id, now() FROM tasks t JOIN units u ON u.id = t.unit_id WHERE t.round_id = $1`,
    [rounds.r],
  );

  const submit = async (unit: Api, taskId: string) => expectStatus(await submitTask(unit, taskId, `authz-${taskId}`), 201).submissionId as string;
  const submissions: World['submissions'] = {
    u1: await submit(u1, tasks.r.u1.ta),
    uk: await submit(uk, tasks.r.uk.ta),
    review: [await submit(u1, tasks.rs.tc), await submit(u1, tasks.rs.td)],
  };
  expectStatus(await owner.post(`/submissions/${submissions.uk}/review`, { decision: 'accept', score: 88 }), 200);
  const later = new Date(now + 40 * 86_400_000).toISOString().slice(0, 10);
  for (const id of [tasks.r.u1.tb, tasks.r.uk.tb]) expectStatus(await owner.post(`/tasks/${id}/extension`, { dueDate: later, reason: '汛期顺延' }), 200);

  // The closed round: u1's task accepted, uk's not, so the two rows differ.
  const rcTask = await task(u1, rounds.rc, templates.ta);
  expectStatus(await owner.post(`/submissions/${await submit(u1, rcTask)}/review`, { decision: 'accept', score: 95 }), 200);
  expectStatus(await owner.post(`/rounds/${rounds.rc}/close`), 202);
  await waitForRound(owner, rounds.rc, (r) => r.status === 'closed', 'closed');
  await waitFor(() => owner.get(`/rounds/${rounds.rc}/evaluation`), (r) => r.status === 200 && r.body.version === 1, 'evaluation version 1');

  const openWindow = async (observer: Api, roundId: string) =>
    (await waitFor(() => observer.get('/me/questionnaires'), (r) => r.status === 200 && r.body.some((w: { roundId: string; state: string }) => w.roundId === roundId && w.state === 'open'), `window of ${roundId} open`)).body.find(
      (w: { roundId: string }) => w.roundId === roundId,
    ).windowId as string;
  const windows = { w: await openWindow(o1b, rounds.r), ws: await openWindow(os, rounds.rsib) };
  expectStatus(await o1b.post(`/questionnaires/${windows.w}/responses`, { answers: { sat: 2, note: secret } }), 201);
  expectStatus(await ok.post(`/questionnaires/${windows.w}/responses`, { answers: { sat: 4 } }), 201);
  expectStatus(await os.post(`/questionnaires/${windows.ws}/responses`, { answers: { sat: 5 } }), 201);

  const programme = async (by: Api, unit: UnitKey, tpl: string) =>
    expectStatus(await by.post('/programmes', { title: `年度督查 ${tpl}`, every: 'year', round: { unitCodes: [units[unit].code], tasks: [{ templateCode: tpl }], closesAfterDays: 30 } }), 201).id as string;
  const programmes = { owner: await programme(owner, 'u1', templates.ta), sibling: await programme(sibling, 'us', templates.ts), spare: await programme(owner, 'u1', templates.tb) };
  const hook = async (by: Api) => expectStatus(await by.post('/webhooks', { url: hookUrl }), 201).id as string;
  const webhooks: World['webhooks'] = { owner: await hook(owner), sibling: await hook(sibling), spare: [await hook(owner), await hook(owner)] };

  const ownerUsername = `pp${run}`;
  const people = { owner: expectStatus(await owner.post('/people', { name: `受邀人员 ${ownerUsername}`, username: ownerUsername, role: 'viewer' }), 201).id as string, ownerUsername };
  const spareToken = expectStatus(await owner.post('/tokens', { kind: 'unit', code: units.u1.code, label: 'spare' }), 201).id as string;

  const things: Thing[] = [
    { kind: 'owned', office: 'owner', text: people.owner },
    { kind: 'owned', office: 'owner', text: ownerUsername },
    { kind: 'owned', office: 'owner', text: spareToken },
    ...OFFICES.map((office) => ({ kind: 'office' as const, office, text: offices[office].code })),
    ...UNITS.map((unit) => ({ kind: 'unit' as const, unit, text: units[unit].code })),
    ...OBSERVERS.map((observer) => ({ kind: 'observer' as const, observer, text: observers[observer].code })),
    { kind: 'observer', observer: 'o1b', text: secret },
    ...ROUNDS.map((round) => ({ kind: 'round' as const, round, text: rounds[round] })),
    { kind: 'round', round: 'r', text: windows.w },
    { kind: 'round', round: 'rsib', text: windows.ws },
    ...Object.values(tasks.r.u1).map((text) => ({ kind: 'record' as const, unit: 'u1' as const, text })),
    ...Object.values(tasks.r.uk).map((text) => ({ kind: 'record' as const, unit: 'uk' as const, text })),
    ...Object.values(tasks.rs).map((text) => ({ kind: 'record' as const, unit: 'u1' as const, text })),
    ...[submissions.u1, ...submissions.review].map((text) => ({ kind: 'record' as const, unit: 'u1' as const, text })),
    { kind: 'record', unit: 'uk', text: submissions.uk },
    { kind: 'owned', office: 'owner', text: programmes.owner },
    { kind: 'owned', office: 'owner', text: programmes.spare },
    { kind: 'owned', office: 'sibling', text: programmes.sibling },
    ...[webhooks.owner, ...webhooks.spare].map((text) => ({ kind: 'owned' as const, office: 'owner' as const, text })),
    { kind: 'owned', office: 'sibling', text: webhooks.sibling },
    ...(['ta', 'tb', 'tc', 'td', 'te', 'tf', 'tg', 'th'] as const).map((k) => ({ kind: 'catalogue' as const, office: 'owner' as const, text: templates[k] })),
    { kind: 'catalogue', office: 'sibling', text: templates.ts },
    { kind: 'catalogue', office: 'owner', text: questionnaires.qa },
    { kind: 'catalogue', office: 'sibling', text: questionnaires.qs },
  ];

  return {
    run, period, offices, units, observers, templates, questionnaires, rounds, windows, tasks, submissions, programmes, webhooks, secret, hookUrl, things, people, spareToken,
    spareRounds: { close: [spare[0], spare[1]], cancel: [spare[2], spare[3]] },
    tokens: {
      owner: owner.token, parent: parent.token, sibling: sibling.token, child: child.token, unit: u1.token, neighbourUnit: uk.token, otherUnit: us.token,
      observer: o1.token, otherObserver: os.token, anonymous: undefined, revoked,
    },
  };
}
