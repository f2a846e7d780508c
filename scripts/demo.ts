import fs from 'node:fs';
import path from 'node:path';
import { hashToken, mintToken } from '../api/auth';
import type { PersonRole, PrincipalKind } from '../domain/vocabulary';
import { hashPassword } from '../src/passwords';
import type { Db } from '../src/db';
import { importDirectory } from '../usecases/imports';
import { DATA_DIR } from './localDb';
import { DEMO_UNIT_CODES, DIRECTORY_FILE, ROOT_OFFICE } from './demo/directory';

// The catalogue is drawn from the Jiangxi and Jiangsu reform reports: Jiangxi's five tasks and
// its 四能/六有 checks. The directory comes from demo/directory.xlsx through the import.
const TEMPLATES = [
  { code: 'sx-01', category: '思想引领', title: '把党的组织建到车间班组，落实“三会一课”', evidence: ['summary', 'documents'], weight: 20, dueWorkingDays: 10 },
  { code: 'jg-01', category: '建功立业', title: '开展劳动和技能竞赛，建设劳模和工匠人才创新工作室', evidence: ['summary', 'data', 'site'], weight: 25, dueWorkingDays: 15 },
  { code: 'sz-01', category: '素质提升', title: '推行企业新型学徒制，组织职业技能等级认定', evidence: ['summary', 'data'], weight: 20, dueWorkingDays: 20 },
  { code: 'dw-01', category: '地位提高', title: '开展技术创新专项集体合同和“能级工资”集体协商', evidence: ['documents', 'data'], weight: 20, dueWorkingDays: 20 },
  { code: 'dy-01', category: '队伍壮大', title: '推进农民工“求学圆梦”行动，做好职工满意度调查', evidence: ['summary', 'data', 'satisfaction'], weight: 15, dueWorkingDays: 25 },
] as const;

// Jiangxi's observers check that reform measures 能听、能看、能查、能测, and report satisfaction.
const QUESTIONNAIRE = {
  code: 'gcy-sineng',
  title: '改革观察员“四能”及满意度问卷',
  questions: [
    { id: 'hear', text: '本单位产改政策和任务是否向职工宣讲到位，职工“能听”到？', kind: 'likert5', dimension: 'hear', required: true },
    { id: 'see', text: '劳动竞赛、创新工作室等措施在现场“能看”到吗？', kind: 'likert5', dimension: 'see', required: true },
    { id: 'check', text: '技能等级、薪酬协商等台账资料“能查”到吗？', kind: 'likert5', dimension: 'check', required: true },
    { id: 'measure', text: '技能提升、收入增长等成效“能测”量吗？', kind: 'likert5', dimension: 'measure', required: true },
    { id: 'satisfaction', text: '您对本单位产改工作的总体满意度', kind: 'likert5', dimension: 'satisfaction', required: true },
    { id: 'suggestion', text: '意见和建议', kind: 'text' },
  ],
};

export const DEMO_ROUND = {
  title: '2026年第四季度全省产改重点任务督查',
  period: '2026Q4',
  unitCodes: DEMO_UNIT_CODES,
  tasks: TEMPLATES.map((t) => ({ templateCode: t.code })),
  questionnaire: { templateCode: QUESTIONNAIRE.code, cadence: { every: 'month', openDays: 10 } },
};

const TOKENS_FILE = path.join(DATA_DIR, 'demo-tokens.json');

/** The demo people's password: it passes the policy (length, not a common one, not the username). */
export const DEMO_PASSWORD = 'Ganjiang-demo-2026';

/** People to sign in as: each role once, in the province office, a city office and a unit. */
const DEMO_PEOPLE: Array<{ username: string; name: string; role: PersonRole; officeCode?: string; unitCode?: string }> = [
  { username: 'jx-admin', name: '刘管理', role: 'admin', officeCode: 'jx' },
  { username: 'jx-supervisor', name: '陈督查', role: 'supervisor', officeCode: 'jx' },
  { username: 'jx-nc-viewer', name: '王查看', role: 'viewer', officeCode: 'jx-nc' },
  { username: 'jx-nc-001-contact', name: '李联络', role: 'unit_contact', unitCode: 'jx-nc-001' },
];

export interface DemoPerson {
  username: string;
  role: PersonRole;
  at: string;
}

/** Creates the demo people if missing, with the demo password unless they have set one of their own. */
async function ensureDemoPeople(db: Db, ids: Map<string, string>): Promise<DemoPerson[]> {
  let passwordHash: string | undefined;
  for (const p of DEMO_PEOPLE) {
    const existing = await db.person.findUnique({ where: { username: p.username } });
    if (existing?.passwordHash) continue;
    passwordHash ??= await hashPassword(DEMO_PASSWORD);
    const place = p.unitCode ? { unitId: ids.get(p.unitCode)! } : { officeId: ids.get(p.officeCode!)! };
    await db.person.upsert({
      where: { username: p.username },
      update: { passwordHash, active: true },
      create: { username: p.username, name: p.name, role: p.role, ...place, passwordHash, createdBy: 'demo' },
    });
  }
  return DEMO_PEOPLE.map((p) => ({ username: p.username, role: p.role, at: p.unitCode ?? p.officeCode! }));
}

/** Creates the demo directory, catalogue and people if missing; returns tokens, reusing those of an earlier run. */
export async function loadDemo(db: Db, tokensFile = TOKENS_FILE): Promise<{ tokens: Record<string, string>; people: DemoPerson[]; password: string }> {
  const root = await db.office.upsert({
    where: { code: ROOT_OFFICE.code },
    update: {},
    create: { ...ROOT_OFFICE, path: `/${ROOT_OFFICE.code}/` },
  });
  // The directory goes in as an office would load its spreadsheet: every sheet, all or nothing, matched on code.
  const actor = { kind: 'office' as const, office: { id: root.id, code: root.code, path: root.path }, actor: 'demo', capabilities: ['admin', 'supervisor'] as const };
  const workbook = fs.readFileSync(DIRECTORY_FILE);
  for (const kind of ['offices', 'units', 'observers'] as const) await importDirectory({ db }, actor, kind, workbook, false);
  const ids = new Map<string, string>([[root.code, root.id]]);
  const principals = await Promise.all([
    db.office.findMany({ select: { id: true, code: true } }),
    db.unit.findMany({ where: { code: { in: DEMO_UNIT_CODES } }, select: { id: true, code: true } }),
    db.observer.findMany({ where: { unit: { code: { in: DEMO_UNIT_CODES } } }, select: { id: true, code: true } }),
  ]);
  for (const row of principals.flat()) ids.set(row.code, row.id);
  for (const t of TEMPLATES) {
    await db.taskTemplate.upsert({ where: { code: t.code }, update: {}, create: { ...t, evidence: [...t.evidence], officeId: ids.get('jx')! } });
  }
  await db.questionnaireTemplate.upsert({
    where: { code_version: { code: QUESTIONNAIRE.code, version: 1 } },
    update: {},
    create: { code: QUESTIONNAIRE.code, version: 1, title: QUESTIONNAIRE.title, questions: QUESTIONNAIRE.questions, officeId: ids.get('jx')! },
  });

  const wanted: Array<[string, PrincipalKind, string]> = [
    ['office jx (江西省产改办)', 'office', 'jx'],
    ['office jx-nc (南昌市产改办)', 'office', 'jx-nc'],
    ['unit jx-nc-001', 'unit', 'jx-nc-001'],
    ['unit jx-ja-001', 'unit', 'jx-ja-001'],
    ['observer jx-nc-001-obs1', 'observer', 'jx-nc-001-obs1'],
  ];
  const saved: Record<string, string> = fs.existsSync(tokensFile) ? JSON.parse(fs.readFileSync(tokensFile, 'utf8')) : {};
  const tokens: Record<string, string> = {};
  for (const [label, kind, code] of wanted) {
    const known = saved[label] && (await db.apiToken.findUnique({ where: { tokenHash: hashToken(saved[label]) } }));
    tokens[label] = known ? saved[label] : await mintToken(db, { kind, id: ids.get(code)! }, `demo ${label}`);
  }
  fs.mkdirSync(path.dirname(tokensFile), { recursive: true });
  fs.writeFileSync(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return { tokens, people: await ensureDemoPeople(db, ids), password: DEMO_PASSWORD };
}

const LINKS_FILE = path.join(DATA_DIR, 'demo-links.json');

/**
 * Personal links for the first two observers of the demo unit, issued through the API as an
 * office would (POST /observers/{code}/link); a link of an earlier run that still works is kept,
 * so the links printed last time keep working.
 */
export async function ensureDemoObserverLinks(api: string, officeToken: string): Promise<Array<{ observerCode: string; url: string }>> {
  const saved: Record<string, { url: string; token: string }> = fs.existsSync(LINKS_FILE) ? JSON.parse(fs.readFileSync(LINKS_FILE, 'utf8')) : {};
  const observers = (await (await fetch(`${api}/observers?unitCode=${DEMO_UNIT_CODES[0]}`, { headers: { authorization: `Bearer ${officeToken}` } })).json()) as Array<{ code: string }>;
  const links: Record<string, { url: string; token: string }> = {};
  for (const { code } of observers.slice(0, 2)) {
    const earlier = saved[code];
    const works = earlier && (await fetch(`${api}/me`, { headers: { authorization: `Bearer ${earlier.token}` } })).ok;
    if (works) links[code] = earlier;
    else {
      const res = await fetch(`${api}/observers/${encodeURIComponent(code)}/link`, { method: 'POST', headers: { authorization: `Bearer ${officeToken}` } });
      if (!res.ok) throw new Error(`issuing the demo link of ${code}: ${res.status} ${await res.text()}`);
      const { url, token } = (await res.json()) as { url: string; token: string };
      links[code] = { url, token };
    }
  }
  fs.writeFileSync(LINKS_FILE, JSON.stringify(links, null, 2), { mode: 0o600 });
  return Object.entries(links).map(([observerCode, { url }]) => ({ observerCode, url }));
}

const DAY_MS = 86_400_000;

/** Launches the demo round through the API, once: a second start finds it open and leaves it. */
export async function ensureDemoRound(baseUrl: string, token: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const rounds = (await (await fetch(`${baseUrl}/rounds?status=open`, { headers })).json()) as Array<{ id: string; title: string }>;
  const existing = rounds.find((r) => r.title === DEMO_ROUND.title);
  if (existing) return existing.id;
  const res = await fetch(`${baseUrl}/rounds`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ ...DEMO_ROUND, closesAt: new Date(Date.now() + 60 * DAY_MS).toISOString() }),
  });
  if (res.status !== 202) throw new Error(`demo round launch failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
