import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { buildWorld, CATALOGUE_ITEMS, CALLERS, OBSERVERS, OFFICES, ROUNDS, sees, startHookSink, UNITS, type CallerKey, type Thing, type World } from './support/authzWorld';
import { sql } from './support/db';
import { request, type Reply } from './support/http';

// Every route the API mounts, called by every kind of caller against a real resource, with
// the status each must get. The route list is read from /api/openapi.json, so a route added
// without a row here fails the suite.

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Req {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** For a person: another session of theirs to call with. */
  session?: { cookie: string; csrf: string };
}
type Judged = Exclude<CallerKey, 'anonymous' | 'revoked' | 'ownerAdmin' | 'ownerSupervisor' | 'ownerViewer' | 'unitContact'>;
const JUDGED: Judged[] = ['owner', 'parent', 'sibling', 'child', 'unit', 'neighbourUnit', 'otherUnit', 'observer', 'otherObserver'];

interface Endpoint {
  /** Statuses in the order of JUDGED; no credentials and a revoked token always get 401. */
  expect: number[];
  /** The request a caller makes; an allowed caller of a destructive action gets a resource of its own. */
  req: (w: World, c: CallerKey, allowed: boolean) => Req;
  /** For a change: what a refused call must leave as it was. */
  state?: (w: World, req: Req) => Promise<unknown>;
  /** Its 404 says a feature is off on this deployment (single sign-on unconfigured), the same for everyone, not that something is hidden. */
  featureOff?: true;
  /** What callers without valid credentials get, for the routes that need none (default 401). */
  unauthenticated?: number;
}

let serial = 0;
const fresh = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}${++serial}`;
/** The first row of a query, for state snapshots. */
const one = async (text: string, params: unknown[]) => (await sql(text, params))[0];
/** How many rows of `table` carry the value the request sent in `column`. */
const countBy = (table: string, column: string) => (_w: World, req: Req) => one(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [(req.body as Record<string, unknown>)[column]]);
/**
 * Index 0 for the owner, 1 for the parent, 2 for a person of the owner office: the callers allowed
 * to change the owner's things (admin and supervisor never both may, so they share one).
 */
const slot = (c: CallerKey) => (c === 'owner' ? 0 : c === 'parent' ? 1 : 2);

const OFFICE_READ = [200, 200, 200, 200, 403, 403, 403, 403, 403];
const OFFICE_CREATE = [201, 201, 201, 201, 403, 403, 403, 403, 403];
const SUBTREE_OF_OWNER = (ok: number) => [ok, ok, 404, 404, 403, 403, 403, 403, 403];
const ROUND_READ = [200, 200, 404, 200, 200, 200, 404, 403, 403];
const ROUND_READ_OFFICE = [200, 200, 404, 200, 403, 403, 403, 403, 403];
const U1_READ = [200, 200, 404, 404, 200, 404, 404, 403, 403];
const CATALOGUE_READ = [200, 200, 404, 200, 403, 403, 403, 403, 403];
const OBSERVER_ONLY = [403, 403, 403, 403, 403, 403, 403, 200, 200];
const EVERYONE = (status: number) => Array<number>(9).fill(status);
/** A client address of its own for each sign-in attempt, so the failures here never lock out another test's address. */
const address = () => `10.${randomBytes(3).join('.')}`;

//                                              owner parent sibling child unit neighbourUnit otherUnit observer otherObserver
const MATRIX: Record<string, Endpoint> = {
  'GET /me': { expect: [200, 200, 200, 200, 200, 200, 200, 200, 200], req: () => ({ path: '/me' }) },

  // Signing in needs no credentials: a wrong password is the same 401 whoever sends it.
  'POST /auth/login': {
    expect: EVERYONE(401), unauthenticated: 401,
    req: () => ({ path: '/auth/login', body: { username: fresh('nobody'), password: 'Wrong-password-42' }, headers: { 'x-forwarded-for': address() } }),
    state: () => one('SELECT count(*)::int AS n FROM sessions', []),
  },
  'POST /auth/invitations/{token}': {
    expect: EVERYONE(400), unauthenticated: 400,
    req: () => ({ path: `/auth/invitations/${randomBytes(32).toString('base64url')}`, body: { password: 'short' } }),
  },
  // What the sign-in page offers, and single sign-on, which this deployment has not configured.
  'GET /auth/options': { expect: EVERYONE(200), unauthenticated: 200, req: () => ({ path: '/auth/options' }) },
  'GET /auth/oidc/login': { expect: EVERYONE(404), unauthenticated: 404, featureOff: true, req: () => ({ path: '/auth/oidc/login' }) },
  'GET /auth/oidc/callback': { expect: EVERYONE(404), unauthenticated: 404, featureOff: true, req: () => ({ path: '/auth/oidc/callback?code=x&state=y' }) },
  // A person signs out of a spare session, so the one the other rows use stays open.
  'POST /auth/logout': { expect: EVERYONE(204), req: (w, c) => ({ path: '/auth/logout', ...(w.sessions[c] ? { session: w.sessions[c].spare } : {}) }) },
  'GET /auth/csrf': { expect: EVERYONE(200), req: () => ({ path: '/auth/csrf' }) },
  'POST /people': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: '/people', body: { name: '新同事', username: fresh('np'), role: 'supervisor', officeCode: w.offices.owner.code } }),
    state: countBy('people', 'username'),
  },
  'GET /people': { expect: OFFICE_READ, req: () => ({ path: '/people' }) },
  'POST /people/{id}/deactivate': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w) => ({ path: `/people/${w.people.owner}/deactivate` }),
    state: (w) => one('SELECT active FROM people WHERE id = $1', [w.people.owner]),
  },
  'POST /people/{id}/invitation': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: `/people/${w.people.owner}/invitation` }),
    state: (w) => one('SELECT count(*)::int AS n FROM invitations WHERE person_id = $1', [w.people.owner]),
  },
  'GET /tokens': { expect: OFFICE_READ, req: () => ({ path: '/tokens' }) },
  'POST /tokens/{id}/revoke': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w) => ({ path: `/tokens/${w.spareToken}/revoke` }),
    state: (w) => one('SELECT revoked_at FROM api_tokens WHERE id = $1', [w.spareToken]),
  },
  'POST /offices': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: '/offices', body: { code: fresh('nof'), name: '新设县产改办', level: 'county', parentCode: w.offices.owner.code } }),
    state: countBy('offices', 'code'),
  },
  'GET /offices': { expect: OFFICE_READ, req: () => ({ path: '/offices' }) },
  'POST /units': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: '/units', body: { code: fresh('nun'), name: '新试点企业', kind: 'sme', officeCode: w.offices.owner.code } }),
    state: countBy('units', 'code'),
  },
  'GET /units': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/units?officeCode=${w.offices.owner.code}` }) },
  'POST /observers': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: '/observers', body: { code: fresh('nob'), name: '新观察员', role: 'model_worker', unitCode: w.units.u1.code } }),
    state: countBy('observers', 'code'),
  },
  'GET /observers': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/observers?unitCode=${w.units.u1.code}` }) },
  'POST /observers/{code}/link': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: `/observers/${w.observers.o1b.code}/link` }),
    state: (w) => one('SELECT link_token_id FROM observers WHERE code = $1', [w.observers.o1b.code]),
  },
  'POST /units/{code}/observer-links': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: `/units/${w.units.u1.code}/observer-links` }),
    state: (w) => sql('SELECT o.code, o.link_token_id FROM observers o JOIN units u ON u.id = o.unit_id WHERE u.code = $1 ORDER BY o.code', [w.units.u1.code]),
  },
  'POST /tokens': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w) => ({ path: '/tokens', body: { kind: 'unit', code: w.units.u1.code } }),
    state: (w) => one('SELECT count(*)::int AS n FROM api_tokens t JOIN units u ON u.id = t.unit_id WHERE u.code = $1', [w.units.u1.code]),
  },

  'POST /task-templates': {
    expect: OFFICE_CREATE,
    req: () => ({ path: '/task-templates', body: { code: fresh('ntt'), category: '素质提升', title: '新任务', evidence: [], weight: 5, dueWorkingDays: 5 } }),
    state: countBy('task_templates', 'code'),
  },
  'GET /task-templates': { expect: OFFICE_READ, req: () => ({ path: '/task-templates' }) },
  'POST /questionnaire-templates': {
    expect: OFFICE_CREATE,
    req: () => ({ path: '/questionnaire-templates', body: { code: fresh('nqt'), title: '新问卷', questions: [{ id: 'sat', text: '满意度', kind: 'likert5', dimension: 'satisfaction' }] } }),
    state: countBy('questionnaire_templates', 'code'),
  },
  'GET /questionnaire-templates': { expect: OFFICE_READ, req: () => ({ path: '/questionnaire-templates' }) },
  'POST /catalogues': {
    expect: OFFICE_CREATE,
    req: () => ({ path: '/catalogues', body: { code: fresh('ncat'), title: '新任务清单' } }),
    state: countBy('catalogues', 'code'),
  },
  'GET /catalogues': { expect: OFFICE_READ, req: () => ({ path: '/catalogues' }) },
  // The owner's catalogue: its subtree and the offices above it read it; the owner and those above it publish.
  'POST /catalogues/{code}/versions': {
    expect: [201, 201, 404, 403, 403, 403, 403, 403, 403],
    req: (w) => ({ path: `/catalogues/${w.catalogue}/versions`, body: { version: fresh('v'), items: CATALOGUE_ITEMS } }),
    state: (w) => one('SELECT count(*)::int AS n FROM catalogue_versions v JOIN catalogues c ON c.id = v.catalogue_id WHERE c.code = $1', [w.catalogue]),
  },
  'GET /catalogues/{code}/versions/{version}': { expect: CATALOGUE_READ, req: (w) => ({ path: `/catalogues/${w.catalogue}/versions/v1` }) },
  'GET /catalogues/{code}/versions/{version}/crosswalk': { expect: CATALOGUE_READ, req: (w) => ({ path: `/catalogues/${w.catalogue}/versions/v1/crosswalk` }) },
  'GET /catalogues/{code}/results': { expect: CATALOGUE_READ, req: (w) => ({ path: `/catalogues/${w.catalogue}/results` }) },
  'GET /units/{code}/trend': { expect: U1_READ, req: (w) => ({ path: `/units/${w.units.u1.code}/trend?catalogue=${w.catalogue}` }) },

  'POST /rounds': {
    expect: [202, 202, 400, 400, 403, 403, 403, 403, 403],
    req: (w) => ({
      path: '/rounds',
      body: { title: fresh('轮次'), period: w.period, unitCodes: [w.units.u1.code], tasks: [{ templateCode: w.templates.ta }], closesAt: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    }),
    state: countBy('rounds', 'title'),
  },
  'GET /rounds': { expect: [200, 200, 200, 200, 200, 200, 200, 403, 403], req: () => ({ path: '/rounds' }) },
  'GET /rounds/{id}': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.r}` }) },
  'POST /rounds/{id}/close': {
    expect: [202, 202, 404, 403, 403, 403, 403, 403, 403],
    req: (w, c, allowed) => ({ path: `/rounds/${allowed ? w.spareRounds.close[slot(c)] : w.rounds.r}/close` }),
    state: (w) => one('SELECT status FROM rounds WHERE id = $1', [w.rounds.r]),
  },
  'POST /rounds/{id}/cancel': {
    expect: [202, 202, 404, 403, 403, 403, 403, 403, 403],
    req: (w, c, allowed) => ({ path: `/rounds/${allowed ? w.spareRounds.cancel[slot(c)] : w.rounds.r}/cancel` }),
    state: (w) => one('SELECT status FROM rounds WHERE id = $1', [w.rounds.r]),
  },
  'GET /rounds/{id}/tasks': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.r}/tasks` }) },
  'GET /rounds/{id}/escalations': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.r}/escalations` }) },

  'GET /me/tasks': { expect: [403, 403, 403, 403, 200, 200, 200, 403, 403], req: () => ({ path: '/me/tasks' }) },
  'POST /tasks/{id}/submissions': {
    expect: [403, 403, 403, 403, 201, 404, 404, 403, 403],
    // The unit's contact reports another task of the same unit: the unit's token reported this one.
    req: (w, c) => ({ path: `/tasks/${c === 'unitContact' ? w.tasks.rs.tl : w.tasks.r.u1.tb}/submissions`, body: { summary: '已按期完成', evidence: [{ kind: 'summary', title: '工作总结' }] } }),
    state: (w) => one('SELECT t.status, (SELECT count(*)::int FROM submissions s WHERE s.task_id = t.id) AS n FROM tasks t WHERE t.id = $1', [w.tasks.r.u1.tb]),
  },
  'GET /submissions/{id}': { expect: U1_READ, req: (w) => ({ path: `/submissions/${w.submissions.u1}` }) },
  'POST /submissions/{id}/review': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w, c, allowed) => ({ path: `/submissions/${allowed ? w.submissions.review[slot(c)] : w.submissions.u1}/review`, body: { decision: 'accept', score: 90 } }),
    state: (w) => one('SELECT s.status, s.review_score, t.status AS task FROM submissions s JOIN tasks t ON t.id = s.task_id WHERE s.id = $1', [w.submissions.u1]),
  },
  'POST /tasks/{id}/extension': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w) => ({ path: `/tasks/${w.tasks.rs.te}/extension`, body: { dueDate: new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10), reason: '材料补充' } }),
    state: (w) => one('SELECT due_date, due_at FROM tasks WHERE id = $1', [w.tasks.rs.te]),
  },
  'POST /tasks/{id}/waive': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w, c, allowed) => ({ path: `/tasks/${allowed ? [w.tasks.rs.tg, w.tasks.rs.th, w.tasks.rs.tj][slot(c)] : w.tasks.rs.tf}/waive`, body: { reason: '试点调整' } }),
    state: (w) => one('SELECT status FROM tasks WHERE id = $1', [w.tasks.rs.tf]),
  },

  'GET /rounds/{id}/evaluation': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.rc}/evaluation` }) },
  'GET /rounds/{id}/evaluation/units/{code}': { expect: U1_READ, req: (w) => ({ path: `/rounds/${w.rounds.rc}/evaluation/units/${w.units.u1.code}` }) },
  'GET /rounds/{id}/evaluation.csv': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.rc}/evaluation.csv` }) },
  'GET /rounds/{id}/evaluation.xlsx': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.rc}/evaluation.xlsx` }) },
  'GET /rounds/{id}/evaluation/versions': { expect: ROUND_READ, req: (w) => ({ path: `/rounds/${w.rounds.rc}/evaluation/versions` }) },
  'GET /units/{code}/evaluations': { expect: U1_READ, req: (w) => ({ path: `/units/${w.units.u1.code}/evaluations` }) },

  'GET /audit': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/audit?roundId=${w.rounds.r}` }) },
  'GET /burden': { expect: OFFICE_READ, req: (w) => ({ path: `/burden?period=${w.period}` }) },

  'POST /webhooks': { expect: OFFICE_CREATE, req: (w) => ({ path: '/webhooks', body: { url: `${w.hookUrl}?n=${fresh('h')}` } }), state: countBy('webhooks', 'url') },
  'GET /webhooks': { expect: OFFICE_READ, req: () => ({ path: '/webhooks' }) },
  'POST /webhooks/{id}/deactivate': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w, c, allowed) => ({ path: `/webhooks/${allowed ? w.webhooks.spare[slot(c)] : w.webhooks.owner}/deactivate` }),
    state: (w) => one('SELECT active FROM webhooks WHERE id = $1', [w.webhooks.owner]),
  },
  'POST /webhooks/{id}/ping': {
    expect: SUBTREE_OF_OWNER(202),
    req: (w) => ({ path: `/webhooks/${w.webhooks.owner}/ping` }),
    state: (w) => one('SELECT count(*)::int AS n FROM notification_deliveries WHERE webhook_id = $1', [w.webhooks.owner]),
  },
  'GET /webhooks/{id}/deliveries': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/webhooks/${w.webhooks.owner}/deliveries` }) },

  'GET /me/questionnaires': { expect: OBSERVER_ONLY, req: () => ({ path: '/me/questionnaires' }) },
  'GET /me/notifications': { expect: OBSERVER_ONLY, req: () => ({ path: '/me/notifications' }) },
  'POST /questionnaires/{windowId}/responses': {
    expect: [403, 403, 403, 403, 403, 403, 403, 201, 404],
    req: (w) => ({ path: `/questionnaires/${w.windows.w}/responses`, body: { answers: { sat: 3 } } }),
    state: (w) => one('SELECT count(*)::int AS n FROM questionnaire_responses WHERE window_id = $1', [w.windows.w]),
  },
  'GET /rounds/{id}/questionnaires': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/questionnaires` }) },
  'GET /questionnaires/{windowId}/responses': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/questionnaires/${w.windows.w}/responses` }) },
  'GET /questionnaires/{windowId}/summary': { expect: ROUND_READ, req: (w) => ({ path: `/questionnaires/${w.windows.w}/summary` }) },
  'GET /rounds/{id}/contradictions': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/contradictions` }) },

  'POST /programmes': {
    expect: [201, 201, 400, 400, 403, 403, 403, 403, 403],
    req: (w) => ({ path: '/programmes', body: { title: fresh('季度督查'), every: 'year', round: { unitCodes: [w.units.u1.code], tasks: [{ templateCode: w.templates.ta }] } } }),
    state: countBy('programmes', 'title'),
  },
  'GET /programmes': { expect: OFFICE_READ, req: () => ({ path: '/programmes' }) },

  // The calendar is national: anyone in an office or a unit reads it, only a root office publishes it.
  'GET /calendar/{year}': { expect: [200, 200, 200, 200, 200, 200, 200, 403, 403], req: () => ({ path: '/calendar/2026' }) },
  'PUT /calendar/{year}': {
    expect: [403, 200, 403, 403, 403, 403, 403, 403, 403],
    // A year no other test plans in, so publishing it changes no one else's tasks.
    req: () => ({ path: '/calendar/2091', body: { holidays: ['2091-01-01'], workdays: [] } }),
    state: () => one('SELECT count(*)::int AS n FROM published_calendars WHERE year = 2091', []),
  },
  // Evidence files: the uploading unit and the offices whose subtree holds it; observers never.
  'POST /files': {
    expect: [403, 403, 403, 403, 201, 201, 201, 403, 403],
    req: () => ({ path: '/files', body: textFile(`${fresh('evidence')}.txt`, '职工代表大会会议纪要') }),
    state: () => one('SELECT count(*)::int AS n FROM evidence_files', []),
  },
  'GET /me/files': { expect: [403, 403, 403, 403, 200, 200, 200, 403, 403], req: () => ({ path: '/me/files' }) },
  'GET /files/{id}': { expect: U1_READ, req: () => ({ path: `/files/${fileId}` }) },
  'GET /files/{id}/content': { expect: U1_READ, req: () => ({ path: `/files/${fileId}/content` }) },
  'GET /notifications/{id}/attachments/{sha256}': { expect: SUBTREE_OF_OWNER(200), req: () => ({ path: `/notifications/${notice.id}/attachments/${notice.sha256}` }) },
  'GET /rounds/{id}/evidence.zip': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/evidence.zip` }) },

  // The directory as spreadsheets, and imports into the caller's own subtree only.
  'GET /offices.xlsx': { expect: OFFICE_READ, req: () => ({ path: '/offices.xlsx' }) },
  'GET /units.xlsx': { expect: OFFICE_READ, req: () => ({ path: '/units.xlsx' }) },
  'GET /observers.xlsx': { expect: OFFICE_READ, req: () => ({ path: '/observers.xlsx' }) },
  'GET /imports/template.xlsx': { expect: OFFICE_READ, req: () => ({ path: '/imports/template.xlsx?kind=units' }) },
  'POST /imports': {
    // A sibling or a child naming the owner's office is refused cell by cell, as out of its subtree.
    expect: [200, 200, 400, 400, 403, 403, 403, 403, 403],
    req: (w) => ({ path: '/imports?kind=units', body: textFile('units.csv', `code,name,kind,officeCode\n${fresh('imp')},导入的试点企业,sme,${w.offices.owner.code}\n`, 'text/csv') }),
    state: () => one('SELECT count(*)::int AS n FROM units', []),
  },
  'POST /rounds/{id}/units/{code}/tasks': {
    expect: SUBTREE_OF_OWNER(201),
    req: (w, c, allowed) => ({ path: `/rounds/${w.rounds.rs}/units/${w.units.u1.code}/tasks`, body: { templateCode: allowed ? [w.templates.ta, w.templates.tb, w.templates.tk][slot(c)] : w.templates.ta } }),
    state: (w) => one('SELECT count(*)::int AS n FROM tasks WHERE round_id = $1', [w.rounds.rs]),
  },

  // The board and the documents made from it: offices, each within its subtree.
  'GET /rounds/{id}/board': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/board` }) },
  'GET /rounds/{id}/progress': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/progress` }) },
  'GET /rounds/{id}/board/offices': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/board/offices` }) },
  'GET /rounds/{id}/submissions': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/rounds/${w.rounds.r}/submissions?unitCode=${w.units.u1.code}` }) },
  'GET /rounds/{id}/bulletin.docx': { expect: ROUND_READ_OFFICE, req: (w) => ({ path: `/rounds/${w.rounds.r}/bulletin.docx` }) },
  'GET /rounds/{id}/units/{code}/notice.docx': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/rounds/${w.rounds.r}/units/${w.units.u1.code}/notice.docx` }) },

  'GET /programmes/{id}/results': { expect: SUBTREE_OF_OWNER(200), req: (w) => ({ path: `/programmes/${w.programmes.owner}/results` }) },
  'POST /programmes/{id}/pause': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w) => ({ path: `/programmes/${w.programmes.owner}/pause` }),
    state: (w) => one('SELECT paused FROM programmes WHERE id = $1', [w.programmes.owner]),
  },
  'POST /programmes/{id}/resume': {
    expect: SUBTREE_OF_OWNER(200),
    req: (w) => ({ path: `/programmes/${w.programmes.owner}/resume` }),
    state: (w) => one('SELECT paused FROM programmes WHERE id = $1', [w.programmes.owner]),
  },
  // Allowed triggers run the spare programme, so their rounds (launched in the background) never
  // land in the count a refused trigger is checked against.
  'POST /programmes/{id}/trigger': {
    expect: SUBTREE_OF_OWNER(202),
    req: (w, _c, allowed) => ({ path: `/programmes/${allowed ? w.programmes.spare : w.programmes.owner}/trigger` }),
    state: (w) => one('SELECT count(*)::int AS n FROM rounds WHERE programme_id = $1', [w.programmes.owner]),
  },
};

let w: World;
let closeSink: () => Promise<void>;
/** A file unit u1 uploaded, for the file rows. */
let fileId: string;
/** An event addressed to the owner office carrying a document (the bytes of the world's file). */
let notice: { id: string; sha256: string };

/** A file to send as a multipart form's part `file`; kept as plain data until sent, so a request can be rewritten. */
interface FilePart {
  multipartFile: { name: string; content: string; type: string };
}
const textFile = (name: string, content: string, type = 'text/plain'): FilePart => ({ multipartFile: { name, content, type } });

function formOf(body: unknown): unknown {
  const part = (body as Partial<FilePart> | undefined)?.multipartFile;
  if (!part) return body;
  const form = new FormData();
  form.append('file', new Blob([part.content], { type: part.type }), part.name);
  return form;
}

beforeAll(async () => {
  const sink = await startHookSink();
  closeSink = sink.close;
  w = await buildWorld(sink.url);
  const upload = await request('POST', '/api/v1/files', { token: w.tokens.unit, body: formOf(textFile('会议纪要.txt', '试点企业职工代表大会会议纪要')) });
  if (upload.status !== 201) throw new Error(`the world's file could not be uploaded: ${upload.status} ${upload.text}`);
  fileId = upload.body.id;
  w.things.push({ kind: 'record', unit: 'u1', text: fileId });
  notice = { id: `escalation:${randomUUID()}:public_notice:0`, sha256: upload.body.sha256 };
  w.things.push({ kind: 'owned', office: 'owner', text: notice.id });
  await sql(`INSERT INTO notifications (id, kind, office_id, round_id, payload) SELECT $1, 'escalation.public_notice', id, $2::uuid, '{}' FROM offices WHERE code = $3`, [notice.id, w.rounds.r, w.offices.owner.code]);
  await sql(
    `INSERT INTO notification_attachments (notification_id, position, name, content_type, sha256, size, round_id, office_id, built_at)
     SELECT $1, 0, '督查通报.docx', 'text/plain', $2, $3, $4::uuid, office_id, now() FROM notifications WHERE id = $1`,
    [notice.id, notice.sha256, upload.body.size, w.rounds.r],
  );
}, 240_000);

afterAll(async () => {
  await closeSink?.();
});

/** A request as `caller`: its bearer token, or for a person its session cookie (and X-CSRF-Token on a change). */
function call(method: string, req: Req, caller: CallerKey) {
  const session = req.session ?? w.sessions[caller];
  const cookie = session ? { cookie: session.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf }) } : {};
  return request(method, `/api/v1${req.path}`, { token: w.tokens[caller], body: formOf(req.body), headers: { ...cookie, ...req.headers } });
}

/** A reply as text to scan: JSON and CSV as they are, a workbook as the values of all its cells, a Word document as its text. */
async function readable(reply: Reply): Promise<string> {
  const type = reply.headers.get('content-type') ?? '';
  if (type.includes('wordprocessingml')) return (await JSZip.loadAsync(reply.bytes).then((zip) => zip.file('word/document.xml')!.async('string'))).replace(/<[^>]+>/g, '');
  if (!type.includes('spreadsheetml')) return reply.text;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(reply.bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const cells: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.value))));
  return JSON.stringify(cells);
}

/** What the caller must never read about, less what it named itself in the request. */
const foreignIn = (caller: CallerKey, text: string, sent: string) =>
  w.things.filter((t) => !sees(caller, t) && !sent.includes(t.text) && text.includes(t.text)).map((t) => `${t.kind} ${t.text}`);

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s);

/** The same request with each thing the caller may not address swapped for one that does not exist. */
function withUnknowns(caller: CallerKey, req: Req): { req: Req; swaps: Array<[string, string]> } {
  let text = JSON.stringify(req);
  const swaps: Array<[string, string]> = [];
  for (const t of w.things) {
    if (sees(caller, t, true) || !text.includes(t.text)) continue;
    const unknown = isUuid(t.text) ? randomUUID() : `${t.text.slice(0, 3)}${randomBytes(4).toString('hex')}`.slice(0, t.text.length);
    swaps.push([t.text, unknown]);
    text = text.split(t.text).join(unknown);
  }
  return { req: JSON.parse(text) as Req, swaps };
}

/**
 * What each change needs of an office caller's role, written out here apart from the route
 * table (a test below checks the two agree): admin the directory, people, tokens, catalogue,
 * webhooks and calendar; supervisor the rounds and everything done to their tasks.
 */
const NEEDS: Record<string, 'admin' | 'supervisor'> = {
  ...Object.fromEntries([
    'POST /offices', 'POST /units', 'POST /observers', 'POST /observers/{code}/link', 'POST /units/{code}/observer-links', 'POST /tokens', 'POST /tokens/{id}/revoke', 'POST /people', 'POST /people/{id}/deactivate', 'POST /people/{id}/invitation',
    'POST /task-templates', 'POST /questionnaire-templates', 'POST /catalogues', 'POST /catalogues/{code}/versions', 'POST /webhooks', 'POST /webhooks/{id}/deactivate', 'POST /webhooks/{id}/ping', 'POST /imports', 'PUT /calendar/{year}',
  ].map((k) => [k, 'admin' as const])),
  ...Object.fromEntries([
    'POST /rounds', 'POST /rounds/{id}/close', 'POST /rounds/{id}/cancel', 'POST /rounds/{id}/units/{code}/tasks', 'POST /submissions/{id}/review', 'POST /tasks/{id}/extension',
    'POST /tasks/{id}/waive', 'POST /programmes', 'POST /programmes/{id}/pause', 'POST /programmes/{id}/resume', 'POST /programmes/{id}/trigger',
  ].map((k) => [k, 'supervisor' as const])),
};
/** What each person of the owner office may do beyond reading. */
const ROLE_OF: Partial<Record<CallerKey, Array<'admin' | 'supervisor'>>> = { ownerAdmin: ['admin'], ownerSupervisor: ['supervisor'], ownerViewer: [] };

/**
 * A person of the owner office gets what the owner's token gets, unless the action needs a role
 * theirs lacks: then 403. The unit's contact gets what the unit's token gets.
 */
function expected(key: string, caller: CallerKey): number {
  const endpoint = MATRIX[key];
  const i = JUDGED.indexOf(caller as Judged);
  if (i >= 0) return endpoint.expect[i];
  if (caller === 'unitContact') return endpoint.expect[JUDGED.indexOf('unit')];
  const role = ROLE_OF[caller];
  if (role) return !NEEDS[key] || role.includes(NEEDS[key]) ? endpoint.expect[JUDGED.indexOf('owner')] : 403;
  return endpoint.unauthenticated ?? 401;
}

const rows = Object.keys(MATRIX).flatMap((key) => CALLERS.map((caller) => ({ key, caller, status: expected(key, caller) })));

describe('the route table', () => {
  test('when the OpenAPI document is compared with the matrix, then every route has a row and every row a route', async () => {
    const doc = (await request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect({ missing: documented.filter((k) => !(k in MATRIX)).sort(), stale: Object.keys(MATRIX).filter((k) => !documented.includes(k)).sort() }).toEqual({ missing: [], stale: [] });
    for (const e of Object.values(MATRIX)) expect(e.expect).toHaveLength(JUDGED.length);
  });

  test('when the route table says which role each change needs, then it is the role written out here, and every change an office may make needs one', async () => {
    const doc = (await request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { 'x-duban-act'?: string }>> };
    const declared = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([m, op]) => (op['x-duban-act'] ? [[`${m.toUpperCase()} ${path}`, op['x-duban-act']]] : []))),
    );
    expect(declared).toEqual(NEEDS);
    // So a viewer, who holds no role, is refused every change an office token may make.
    const officeChanges = Object.keys(MATRIX).filter((k) => !k.startsWith('GET ') && MATRIX[k].expect[JUDGED.indexOf('owner')] < 300);
    for (const key of officeChanges) expect({ key, viewer: expected(key, 'ownerViewer') }).toEqual({ key, viewer: key === 'POST /auth/logout' ? 204 : 403 });
  });

  test('when a path is called with a method it does not offer, then it answers 405 with Allow', async () => {
    const doc = (await request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      const offered = Object.keys(ops).map((m) => m.toUpperCase());
      const other = (['PUT', 'DELETE', 'POST', 'GET'] as Method[]).find((m) => !offered.includes(m))!;
      const concrete = path.replace('{id}', w.rounds.r).replace('{windowId}', w.windows.w).replace('{code}', w.units.u1.code).replace('{year}', '2026');
      const reply = await call(other, { path: concrete }, 'owner');
      expect({ path, status: reply.status, allow: reply.headers.get('allow')?.split(', ').filter((m) => m !== 'HEAD' && m !== 'OPTIONS').sort() }).toEqual({ path, status: 405, allow: [...offered].sort() });
    }
  });
});

describe('who sees what in lists, counts and exports', () => {
  const codes = (reply: Reply, field = 'code') => (reply.body as Array<Record<string, string>>).map((x) => x[field]);
  const ofWorld = (list: string[], kind: Thing['kind']) => list.filter((x) => w.things.some((t) => t.kind === kind && t.text === x)).sort();
  const visible = (caller: CallerKey, kind: Thing['kind'], address = false) => w.things.filter((t) => t.kind === kind && t.text !== w.secret && sees(caller, t, address)).map((t) => t.text).sort();
  const offices: CallerKey[] = ['owner', 'parent', 'sibling', 'child'];
  const units: CallerKey[] = ['unit', 'neighbourUnit', 'otherUnit'];
  const get = (caller: CallerKey, path: string) => call('GET', { path }, caller);

  test('when the X_b office lists units and offices, then its look-alike sibling X-b and X.b are absent', async () => {
    expect(codes(await get('sibling', '/units'))).toEqual([w.units.us.code]);
    expect(codes(await get('sibling', '/offices'))).toEqual([w.offices.sibling.code]);
    expect(codes(await get('sibling', '/observers'))).toEqual([w.observers.os.code]);
  });

  test.each(offices)('when the %s office lists offices, units and observers, then it gets exactly its subtree', async (caller) => {
    expect(ofWorld(codes(await get(caller, '/offices')), 'office')).toEqual(visible(caller, 'office', true));
    expect(ofWorld(codes(await get(caller, '/units')), 'unit')).toEqual(visible(caller, 'unit'));
    expect(ofWorld(codes(await get(caller, '/observers')), 'observer')).toEqual(visible(caller, 'observer'));
  });

  test.each(offices)('when the %s office lists templates, programmes, webhooks, people and tokens, then it gets its own, its subtree\'s and (templates) those above it', async (caller) => {
    const templates = [...codes(await get(caller, '/task-templates')), ...codes(await get(caller, '/questionnaire-templates')), ...codes(await get(caller, '/catalogues'))];
    expect(ofWorld(templates, 'catalogue')).toEqual(visible(caller, 'catalogue'));
    const people = await get(caller, '/people');
    const owned = [
      ...codes(await get(caller, '/programmes'), 'id'), ...codes(await get(caller, '/webhooks'), 'id'),
      ...codes(people, 'id'), ...codes(people, 'username'), ...codes(await get(caller, '/tokens'), 'id'),
    ];
    expect(ofWorld(owned, 'owned')).toEqual(visible(caller, 'owned').filter((id) => id !== notice.id));
  });

  test.each([...offices, ...units])('when the %s lists rounds, then it gets the rounds it launched or holds units of, and nothing else', async (caller) => {
    expect(ofWorld(codes(await get(caller, '/rounds'), 'id'), 'round')).toEqual(visible(caller, 'round').filter((id) => ROUNDS.some((r) => w.rounds[r] === id)));
  });

  test.each([
    ['owner', { units: 2, tasks: 4, issued: 4, submitted: 1, accepted: 1 }],
    ['parent', { units: 2, tasks: 4, issued: 4, submitted: 1, accepted: 1 }],
    ['child', { units: 1, tasks: 2, issued: 2, submitted: 0, accepted: 1 }],
    ['unit', { units: 1, tasks: 2, issued: 2, submitted: 1, accepted: 0 }],
    ['neighbourUnit', { units: 1, tasks: 2, issued: 2, submitted: 0, accepted: 1 }],
  ] as Array<[CallerKey, object]>)('when the %s reads the round, then its counts cover only the units it may see', async (caller, counts) => {
    const reply = await get(caller, `/rounds/${w.rounds.r}`);
    expect(reply.body.counts).toMatchObject(counts);
    const listed = (await get(caller, '/rounds')).body.find((r: { id: string }) => r.id === w.rounds.r);
    expect(listed.counts).toEqual(reply.body.counts);
  });

  const rowsOf = (unitKeys: Array<keyof World['units']>) => unitKeys.map((u) => w.units[u].code).sort();
  test.each([
    ['owner', ['u1', 'uk']],
    ['parent', ['u1', 'uk']],
    ['child', ['uk']],
    ['unit', ['u1']],
    ['neighbourUnit', ['uk']],
  ] as Array<[CallerKey, Array<keyof World['units']>]>)('when the %s reads the evaluations, then it gets rows of exactly its units, in JSON, CSV and XLSX, final and provisional', async (caller, unitKeys) => {
    for (const round of [w.rounds.rc, w.rounds.r]) {
      const json = await get(caller, `/rounds/${round}/evaluation`);
      expect(json.body.units.map((u: { unitCode: string }) => u.unitCode).sort()).toEqual(rowsOf(unitKeys));
      const csv = await get(caller, `/rounds/${round}/evaluation.csv`);
      expect(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',').at(-1)).sort()).toEqual(rowsOf(unitKeys));
      const xlsx = await readable(await get(caller, `/rounds/${round}/evaluation.xlsx`));
      for (const u of UNITS) expect({ unit: u, present: xlsx.includes(w.units[u].code) }).toEqual({ unit: u, present: unitKeys.includes(u) });
      for (const reply of [json, csv]) expect(foreignIn(caller, reply.text, '')).toEqual([]);
      expect(foreignIn(caller, xlsx, '')).toEqual([]);
    }
  });

  test.each(offices)('when the %s office reads the audit trail and the burden, then every row is about a unit of its subtree', async (caller) => {
    const audit = await get(caller, `/audit?roundId=${w.rounds.r}`);
    const burden = await get(caller, `/burden?period=${w.period}`);
    const mine = visible(caller, 'unit');
    if (audit.status === 200) {
      expect(new Set(audit.body.map((a: { unitCode: string }) => a.unitCode))).toEqual(new Set(mine.filter((u) => [w.units.u1.code, w.units.uk.code].includes(u))));
    } else {
      expect(audit.status).toBe(404);
    }
    expect(burden.body.units.map((u: { unitCode: string }) => u.unitCode).sort()).toEqual(mine.filter((u) => u !== w.units.ut.code));
    expect(foreignIn(caller, audit.text + burden.text, '')).toEqual([]);
  });

  test.each(CALLERS.filter((c) => c !== 'anonymous' && c !== 'revoked'))('when the %s asks who it is, then /me names it and nothing else', async (caller) => {
    const reply = await get(caller, '/me');
    const who = {
      owner: w.offices.owner, parent: w.offices.parent, sibling: w.offices.sibling, child: w.offices.child, unit: w.units.u1, neighbourUnit: w.units.uk, otherUnit: w.units.us,
      observer: w.observers.o1, otherObserver: w.observers.os, ownerAdmin: w.offices.owner, ownerSupervisor: w.offices.owner, ownerViewer: w.offices.owner, unitContact: w.units.u1,
    }[caller as Exclude<CallerKey, 'anonymous' | 'revoked'>];
    expect(reply.body).toMatchObject({ code: who.code, name: who.name });
    expect(foreignIn(caller, reply.text, '')).toEqual([]);
  });

  test('when a unit reads the window summary, then no observer is named and its own row stays hidden below the threshold', async () => {
    for (const caller of ['unit', 'neighbourUnit'] as const) {
      const reply = await get(caller, `/questionnaires/${w.windows.w}/summary`);
      expect(reply.body.units).toEqual([]);
      for (const o of OBSERVERS) expect(reply.text).not.toContain(w.observers[o].code);
      expect(reply.text).not.toContain(w.secret);
    }
  });

  test('when the county office reads the individual answers of the window, then only those of observers in its subtree appear', async () => {
    const reply = await get('child', `/questionnaires/${w.windows.w}/responses`);
    expect(reply.body.map((r: { observerCode: string }) => r.observerCode)).toEqual([w.observers.ok.code]);
    expect(reply.text).not.toContain(w.secret);
  });

  // Filters and query parameters naming something on the other side of a boundary.
  const place = (template: string) => {
    const names: Record<string, string> = {
      r: w.rounds.r, rc: w.rounds.rc, rsib: w.rounds.rsib, u1: w.units.u1.code, uk: w.units.uk.code, us: w.units.us.code, ut: w.units.ut.code,
      owner: w.offices.owner.code, sibling: w.offices.sibling.code, 'task-u1': w.tasks.r.u1.tb, 'submission-u1': w.submissions.u1,
    };
    return template.replace(/\{([\w-]+)\}/g, (_m, name: string) => names[name]);
  };
  test.each([
    ['owner', '/rounds/{r}/tasks?unitCode={us}'],
    ['owner', '/rounds/{r}/escalations?unitCode={us}'],
    ['owner', '/units?officeCode={sibling}'],
    ['owner', '/observers?unitCode={ut}'],
    ['sibling', '/units?officeCode={owner}'],
    ['sibling', '/audit?subject=task:{task-u1}'],
    ['sibling', '/audit?subject=submission:{submission-u1}'],
    ['child', '/audit?subject=task:{task-u1}'],
    ['child', '/rounds/{r}/tasks?unitCode={u1}'],
    ['child', '/rounds/{rc}/evaluation/units/{u1}?version=1'],
    ['unit', '/me/tasks?roundId={rsib}'],
    ['unit', '/rounds/{r}/tasks?unitCode={uk}'],
    ['neighbourUnit', '/rounds/{r}/escalations?unitCode={u1}'],
    ['neighbourUnit', '/units/{u1}/evaluations'],
    ['otherUnit', '/rounds/{rc}/evaluation.csv?version=1'],
  ] as Array<[CallerKey, string]>)('when the %s names a foreign thing in GET %s, then the answer reads as for an unknown one', async (caller, template) => {
    const req = { path: place(template) };
    const { req: unknownReq, swaps } = withUnknowns(caller, req);
    expect(swaps.length).toBeGreaterThan(0);
    const [known, absent] = [await call('GET', req, caller), await call('GET', unknownReq, caller)];
    const back = swaps.reduce((text, [k, unknown]) => text.split(unknown).join(k), absent.text);
    expect({ status: known.status, text: known.text }).toEqual({ status: absent.status, text: back });
    expect(foreignIn(caller, known.text, JSON.stringify(req))).toEqual([]);
  });

  test('when every office reads the offices of the world, then each sees exactly the offices of the documented rule', () => {
    // The model itself, written out once, so a mistake in it shows here rather than hides a leak.
    const byCaller = Object.fromEntries(offices.map((c) => [c, visible(c, 'office', true)]));
    const code = (k: (typeof OFFICES)[number]) => w.offices[k].code;
    expect(byCaller).toEqual({
      owner: [code('owner'), code('child')].sort(),
      parent: OFFICES.map(code).sort(),
      sibling: [code('sibling')],
      child: [code('child')],
    });
  });
});

describe('the authorization matrix', () => {
  test.each(rows)('when $caller calls $key, then it answers $status', async ({ key, caller, status }) => {
    const endpoint = MATRIX[key];
    const method = key.split(' ')[0];
    const req = endpoint.req(w, caller, status < 300);
    const sent = JSON.stringify(req);
    const refused = status >= 300;
    const before = refused && endpoint.state ? await endpoint.state(w, req) : undefined;

    const reply = await call(method, req, caller);
    expect({ status: reply.status, body: reply.status === status ? '' : reply.text.slice(0, 500) }).toEqual({ status, body: '' });
    if (refused) {
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body).toMatchObject({ status, code: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    }
    expect(foreignIn(caller, await readable(reply), sent)).toEqual([]);

    // "Exists but not yours" must read exactly like "does not exist".
    if (status === 404 || status === 400) {
      const { req: unknownReq, swaps } = withUnknowns(caller, req);
      if (status === 404 && !endpoint.featureOff) expect(swaps.length).toBeGreaterThan(0);
      if (swaps.length > 0) {
        const absent = await call(method, unknownReq, caller);
        const back = swaps.reduce((text, [known, unknown]) => text.split(unknown).join(known), absent.text);
        expect({ status: absent.status, body: JSON.parse(back) }).toEqual({ status, body: reply.body });
      }
    }
    if (before !== undefined) expect(await endpoint.state!(w, req)).toEqual(before);
  });
});
