import { Prisma } from '../generated/prisma/client';
import type { PrincipalKind } from '../domain/vocabulary';
import type { Db } from '../src/db';
import { notFound } from '../api/problem';

/**
 * Who may see what, in one place. Every route, list, count, export and document asks here.
 *
 *   an office   its own subtree: the offices below it (itself included), their units, those
 *               units' tasks, submissions, observers and escalations, and the rounds it or an
 *               office below it launched or that include one of its units;
 *   a unit      itself: its own tasks, submissions, rounds that include it, its own scores;
 *   an observer itself: the questionnaire windows of rounds that include its unit, nothing else.
 *
 * People and tokens are seen by offices only, those of their subtree. What a role within an
 * office may do (admin, supervisor, viewer) is the sibling module access/roles.ts.
 *
 * Anything outside answers 404 exactly as if it did not exist (`notFound` names the kind of
 * thing, never whether it exists), so a caller learns nothing from probing ids or codes.
 *
 * Office paths are the codes from the root down, slash-separated and slash-terminated
 * ("/jx/jx-nc/"), so a subtree is a prefix of paths. Codes may hold "_" and "." (and, were the
 * alphabet ever widened, "%" or "\"), which LIKE reads as wildcards: every prefix test here
 * escapes the pattern, and the raw-SQL form uses `^@` (starts_with), which has no pattern at all.
 */
export interface Viewer {
  kind: PrincipalKind;
  office?: { id: string; code: string; path: string };
  unit?: { id: string; code: string; officeId: string };
  observer?: { id: string; code: string; unitId: string };
}

const NOTHING = { in: [] as string[] };

/** `path` as a LIKE prefix that matches itself literally; Prisma hands `startsWith` to LIKE unescaped. */
export const likePrefix = (path: string) => path.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A Prisma filter on an office path column: within the subtree rooted at `path`. */
export const pathUnder = (path: string): Prisma.StringFilter => ({ startsWith: likePrefix(path) });

/**
 * The same test in raw SQL, for an `offices` row aliased `alias`: `^@` (starts_with) takes the
 * prefix literally, and unlike `left(path, n) = path` the planner estimates it from the column's
 * statistics, so a subtree of 20,000 units is joined by hash, not unit by unit.
 */
export const sqlPathUnder = (path: string, alias = 'o') => Prisma.sql`${Prisma.raw(`${alias}.path`)} ^@ ${path}`;

/** The same test on values already loaded. */
export const isUnder = (path: string, scopePath: string) => path.startsWith(scopePath);

function officePathOf(v: Viewer): string {
  if (!v.office) throw new Error(`office scope asked of a ${v.kind} principal`);
  return v.office.path;
}

export function officeWhere(v: Viewer): Prisma.OfficeWhereInput {
  return v.office ? { path: pathUnder(v.office.path) } : { id: NOTHING };
}

export function unitWhere(v: Viewer): Prisma.UnitWhereInput {
  if (v.office) return { office: officeWhere(v) };
  if (v.unit) return { id: v.unit.id };
  return { id: NOTHING };
}

/**
 * The office whose row of round_office_counts holds the sums over exactly the units `unitWhere`
 * admits: an office sees the units of its subtree, and each such row sums the units of its
 * office's subtree. Null for any other viewer, whose counts are summed unit by unit.
 */
export function countedOffice(v: Viewer): string | null {
  return v.office ? v.office.id : null;
}

export function observerWhere(v: Viewer): Prisma.ObserverWhereInput {
  if (v.observer) return { id: v.observer.id };
  return { unit: unitWhere(v) };
}

/** People: an office's subtree's, at its offices or their units; no one else sees any. */
export function personWhere(v: Viewer): Prisma.PersonWhereInput {
  if (!v.office) return { id: NOTHING };
  return { OR: [{ office: officeWhere(v) }, { unit: unitWhere(v) }] };
}

/** Tokens of principals in an office's subtree: its offices', units' and observers'. */
export function tokenWhere(v: Viewer): Prisma.ApiTokenWhereInput {
  if (!v.office) return { id: NOTHING };
  return { OR: [{ office: officeWhere(v) }, { unit: unitWhere(v) }, { observer: observerWhere(v) }] };
}

/** Rounds an office launched within its subtree, or that include any unit the viewer can see. */
export function roundWhere(v: Viewer): Prisma.RoundWhereInput {
  if (v.observer) return { units: { some: { unitId: v.observer.unitId } } };
  const includesVisibleUnit: Prisma.RoundWhereInput = { units: { some: { unit: unitWhere(v) } } };
  if (v.office) return { OR: [{ office: officeWhere(v) }, includesVisibleUnit] };
  return includesVisibleUnit;
}

export function taskWhere(v: Viewer): Prisma.TaskWhereInput {
  return { unit: unitWhere(v) };
}

export function submissionWhere(v: Viewer): Prisma.SubmissionWhereInput {
  return { task: taskWhere(v) };
}

/** Evidence files: a unit's own uploads; an office's, of units in its subtree; an observer none. */
export function fileWhere(v: Viewer): Prisma.EvidenceFileWhereInput {
  if (v.observer) return { id: NOTHING };
  return { unit: unitWhere(v) };
}

/** Ladder steps addressed to the office or any office below it; a unit sees its own. */
export function escalationWhere(v: Viewer): Prisma.EscalationWhereInput {
  if (v.office) return { targetOffice: officeWhere(v) };
  if (v.unit) return { unitId: v.unit.id };
  return { id: NOTHING };
}

/** Things an office owns (programmes, webhooks): its own and its subtree's. */
export function ownedByOfficeWhere(v: Viewer): { office: Prisma.OfficeWhereInput } {
  return { office: officeWhere(v) };
}

/** Offices on the viewer's path up to the root, and every office below it, share catalogues. */
export function catalogueWhere(v: Viewer): { office: Prisma.OfficeWhereInput } {
  const path = officePathOf(v);
  return { office: { OR: [{ path: pathUnder(path) }, { code: { in: path.split('/').filter(Boolean) } }] } };
}

/**
 * A catalogue, for an office as its task templates (its own, its subtree's, its ancestors');
 * for a unit, the catalogues of its office and the offices above it; for an observer, none.
 */
export async function visibleCatalogue(db: Db, v: Viewer, code: string) {
  let where: Prisma.CatalogueWhereInput;
  if (v.office) where = catalogueWhere(v);
  else if (v.unit) {
    const office = await db.office.findUniqueOrThrow({ where: { id: v.unit.officeId }, select: { path: true } });
    where = { office: { code: { in: office.path.split('/').filter(Boolean) } } };
  } else where = { id: NOTHING };
  const catalogue = await db.catalogue.findFirst({ where: { AND: [{ code }, where] }, include: { office: true } });
  if (!catalogue) throw notFound('catalogue');
  return catalogue;
}

/** Questionnaire windows: of visible rounds; for an observer, of rounds that include its unit. */
export function windowWhere(v: Viewer): Prisma.QuestionnaireWindowWhereInput {
  return { round: roundWhere(v) };
}

/** Individual answers: offices only, of observers in their subtree. Never a unit's or another observer's. */
export function responseWhere(v: Viewer): Prisma.QuestionnaireResponseWhereInput {
  if (v.office) return { observer: { unit: unitWhere(v) } };
  if (v.observer) return { observerId: v.observer.id };
  return { id: NOTHING };
}

/** Whether a row about a unit (a score, an export line) may go to the viewer: an office's subtree, or the unit itself. */
export function seesUnit(v: Viewer, unit: { unitId: string; officePath: string }): boolean {
  if (v.office) return isUnder(unit.officePath, v.office.path);
  return !!v.unit && unit.unitId === v.unit.id;
}

/** Whether the viewer is an office at or above the office whose path is given. */
export function governs(v: Viewer, officePath: string): boolean {
  return !!v.office && isUnder(officePath, v.office.path);
}

// Loaders: the row if the viewer may see it, else the same 404 as for an absent one.

export async function visibleOffice(db: Db, v: Viewer, code: string) {
  const office = await db.office.findFirst({ where: { AND: [{ code }, officeWhere(v)] } });
  if (!office) throw notFound('office');
  return office;
}

export async function visibleUnit(db: Db, v: Viewer, code: string) {
  const unit = await db.unit.findFirst({ where: { AND: [{ code }, unitWhere(v)] }, include: { office: true } });
  if (!unit) throw notFound('unit');
  return unit;
}

export async function visibleObserver(db: Db, v: Viewer, code: string) {
  const observer = await db.observer.findFirst({ where: { AND: [{ code }, observerWhere(v)] }, include: { unit: true } });
  if (!observer) throw notFound('observer');
  return observer;
}

export async function visiblePerson(db: Db, v: Viewer, id: string) {
  const person = await db.person.findFirst({ where: { AND: [{ id }, personWhere(v)] }, include: { office: true, unit: true } });
  if (!person) throw notFound('person');
  return person;
}

export async function visibleToken(db: Db, v: Viewer, id: string) {
  const token = await db.apiToken.findFirst({ where: { AND: [{ id }, tokenWhere(v)] }, include: { office: true, unit: true, observer: true } });
  if (!token) throw notFound('token');
  return token;
}

export async function visibleRound(db: Db, v: Viewer, id: string) {
  const round = await db.round.findFirst({ where: { AND: [{ id }, roundWhere(v)] }, include: { office: true } });
  if (!round) throw notFound('round');
  return round;
}

export async function visibleTask(db: Db, v: Viewer, id: string) {
  const task = await db.task.findFirst({ where: { AND: [{ id }, taskWhere(v)] }, include: { unit: true, round: true } });
  if (!task) throw notFound('task');
  return task;
}

/**
 * A task as a write to it needs it: its round, its unit and that unit's code (which names the unit's
 * workflow). A unit writing to its own task has its code already, so the usual case is one query.
 */
export async function visibleTaskRef(db: Db, v: Viewer, id: string): Promise<{ id: string; roundId: string; unitId: string; unitCode: string }> {
  const task = await db.task.findFirst({ where: { AND: [{ id }, taskWhere(v)] }, select: { id: true, roundId: true, unitId: true } });
  if (!task) throw notFound('task');
  const unitCode = task.unitId === v.unit?.id ? v.unit.code : (await db.unit.findUniqueOrThrow({ where: { id: task.unitId }, select: { code: true } })).code;
  return { ...task, unitCode };
}

/** A submission as its review needs it: its status, and its task's state, round status and unit code. */
export async function visibleSubmissionRef(db: Db, v: Viewer, id: string) {
  const submission = await db.submission.findFirst({
    where: { AND: [{ id }, submissionWhere(v)] },
    select: { id: true, status: true, task: { select: { id: true, status: true, roundId: true, unit: { select: { code: true } }, round: { select: { status: true } } } } },
  });
  if (!submission) throw notFound('submission');
  return submission;
}

export async function visibleSubmission(db: Db, v: Viewer, id: string) {
  const submission = await db.submission.findFirst({ where: { AND: [{ id }, submissionWhere(v)] }, include: { task: { include: { unit: true, round: true } } } });
  if (!submission) throw notFound('submission');
  return submission;
}

export async function visibleFile(db: Db, v: Viewer, id: string) {
  const file = await db.evidenceFile.findFirst({ where: { AND: [{ id }, fileWhere(v)] }, include: { unit: { select: { code: true, name: true } } } });
  if (!file) throw notFound('file');
  return file;
}

export async function visibleWindow(db: Db, v: Viewer, id: string) {
  const window = await db.questionnaireWindow.findFirst({ where: { AND: [{ id }, windowWhere(v)] }, include: { template: true, round: { select: { id: true, title: true, spec: true } } } });
  if (!window) throw notFound('questionnaire window');
  return window;
}

/** The ids of a round's units the viewer may see. */
export async function visibleRoundUnitIds(db: Db, v: Viewer, roundId: string): Promise<string[]> {
  const rows = await db.roundUnit.findMany({ where: { roundId, unit: unitWhere(v) }, select: { unitId: true } });
  return rows.map((r) => r.unitId);
}
