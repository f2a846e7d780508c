import { Prisma } from '../generated/prisma/client';
import { isUnder, likePrefix, officeWhere } from '../access/visibility';
import { AppError, badRequest } from '../api/problem';
import { ErrorCode } from '../domain/errors';
import { SHEETS, parseSheet, type CellProblem, type ImportKind, type ParsedSheet } from '../domain/directorySheet';
import { OFFICE_LEVELS, type OfficeLevel } from '../domain/vocabulary';
import { directoryWorkbook, NotASpreadsheet, readSpreadsheet } from '../store/directoryWorkbook';
import type { Actor, UseCaseContext } from './context';
import { listObservers, listOffices, listUnits, uniquely } from './directory';
import { refreshStatistics } from '../store/statistics';

type Tx = Prisma.TransactionClient;
type Rows = ParsedSheet['rows'];

export interface ImportResult {
  kind: ImportKind;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** At most this many cell problems in one answer; the detail says how many there were. */
const MAX_PROBLEMS = 1000;

function refuse(problems: CellProblem[]): AppError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, in: 'body' as const }));
  const more = problems.length > shown.length ? ` (the first ${shown.length} are listed)` : '';
  return badRequest(`${problems.length} cell(s) of the file are invalid${more}; nothing was imported`, shown);
}

/**
 * Imports offices, units or observers from a spreadsheet, all or nothing: rows are matched on
 * `code` (new ones created, changed ones updated, the rest left alone), every code and every
 * parent must lie within the caller's subtree, and any bad cell refuses the whole file.
 */
export async function importDirectory({ db }: Pick<UseCaseContext, 'db'>, actor: Actor, kind: ImportKind, bytes: Buffer, dryRun: boolean): Promise<ImportResult> {
  let content;
  try {
    content = await readSpreadsheet(bytes, SHEETS[kind].sheet);
  } catch (err) {
    if (err instanceof NotASpreadsheet) throw new AppError(415, ErrorCode.UnsupportedMediaType, 'Unsupported media type', `${err.message}; send an xlsx workbook or a CSV file`);
    throw err;
  }
  const sheet = parseSheet(kind, content.header, content.rows);
  if (sheet.problems.length > 0) throw refuse(sheet.problems);
  const apply = APPLY[kind];
  // One transaction: the checks and the writes see the same directory, and a failure leaves nothing behind.
  const counts = await uniquely('a code in the file', () =>
    db.$transaction(
      async (tx) => {
        const result = await apply(tx, actor, sheet.rows, dryRun);
        if ('problems' in result) throw refuse(result.problems);
        return result;
      },
      { timeout: 300_000, maxWait: 30_000 },
    ),
  );
  if (!dryRun) await refreshStatistics(db, kind, counts.created + counts.updated);
  return { kind, dryRun, rows: sheet.rows.length, ...counts };
}

type Counts = { created: number; updated: number; unchanged: number };
type Applied = Counts | { problems: CellProblem[] };

const problemAt = (kind: ImportKind, r: Rows[number], field: string, message: string, code: string): CellProblem => ({
  path: `rows.${r.index}.${field}`,
  row: r.row,
  column: SHEETS[kind].columns.find((c) => c.field === field)!.header,
  message,
  code,
});

const APPLY: Record<ImportKind, (tx: Tx, actor: Actor, rows: Rows, dryRun: boolean) => Promise<Applied>> = {
  offices: applyOffices,
  units: (tx, actor, rows, dryRun) => applyMembers(tx, actor, rows, dryRun, UNITS),
  observers: (tx, actor, rows, dryRun) => applyMembers(tx, actor, rows, dryRun, OBSERVERS),
};

const rank = (level: OfficeLevel) => OFFICE_LEVELS.indexOf(level);

async function applyOffices(tx: Tx, actor: Actor, rows: Rows, dryRun: boolean): Promise<Applied> {
  const own = actor.office!;
  const subtree = await tx.office.findMany({ where: officeWhere(actor), select: { id: true, code: true, name: true, level: true, parentId: true, path: true } });
  const byCode = new Map(subtree.map((o) => [o.code, o]));
  const codeOfId = new Map(subtree.map((o) => [o.id, o.code]));
  const ownRow = byCode.get(own.code)!;
  const ownParent = ownRow.parentId ? await tx.office.findUniqueOrThrow({ where: { id: ownRow.parentId }, select: { code: true, level: true } }) : null;
  const foreign = new Set(
    (await tx.$queryRaw<Array<{ code: string }>>`SELECT code FROM offices WHERE code = ANY(${rows.map((r) => r.values.code!)}::text[]) AND left(path, length(${own.path})) <> ${own.path}`).map((o) => o.code),
  );
  const inFile = new Map(rows.map((r) => [r.values.code!, r]));
  const problems: CellProblem[] = [];
  const parentOf = new Map<string, string | null>();
  const levelOf = (code: string) => (inFile.get(code)?.values.level ?? byCode.get(code)?.level) as OfficeLevel;

  for (const r of rows) {
    const { code, level } = r.values as { code: string; level: OfficeLevel };
    const existing = byCode.get(code);
    if (foreign.has(code)) {
      problems.push(problemAt('offices', r, 'code', `code ${code} is taken by an office outside your subtree`, 'taken'));
      continue;
    }
    if (code === own.code) {
      // The caller's own office: its parent lies outside the subtree and its place is not the caller's to change.
      if (r.values.parentCode !== undefined && r.values.parentCode !== ownParent?.code) problems.push(problemAt('offices', r, 'parentCode', `your own office sits under ${ownParent?.code ?? 'no office'}; an import does not move it`, 'moved'));
      if (level !== ownRow.level) problems.push(problemAt('offices', r, 'level', `your own office's level (${ownRow.level}) does not change by import`, 'level_fixed'));
      parentOf.set(code, null);
      continue;
    }
    const parent = r.values.parentCode ?? own.code;
    if (existing) {
      const current = codeOfId.get(existing.parentId!)!;
      if (parent !== current) problems.push(problemAt('offices', r, 'parentCode', `office ${code} sits under ${current}; an import does not move offices`, 'moved'));
      parentOf.set(code, current);
      continue;
    }
    if (!byCode.has(parent) && !(inFile.has(parent) && !foreign.has(parent))) {
      problems.push(problemAt('offices', r, 'parentCode', `office ${parent} is neither in your subtree nor in this file`, 'unknown_parent'));
      continue;
    }
    parentOf.set(code, parent);
  }

  // Paths of new offices, parents first, wherever in the file the parent is.
  const pathOf = new Map(subtree.map((o) => [o.code, o.path]));
  const resolving = new Set<string>();
  const resolve = (code: string): string | undefined => {
    if (pathOf.has(code)) return pathOf.get(code);
    const parent = parentOf.get(code);
    if (!parent || resolving.has(code)) return undefined;
    resolving.add(code);
    const parentPath = resolve(parent);
    resolving.delete(code);
    if (parentPath !== undefined) pathOf.set(code, `${parentPath}${code}/`);
    return pathOf.get(code);
  };
  for (const r of rows) {
    const code = r.values.code!;
    if (parentOf.has(code) && !byCode.has(code) && resolve(code) === undefined) problems.push(problemAt('offices', r, 'parentCode', `office ${code} and its parents refer to each other in a cycle`, 'cycle'));
  }

  // Each office sits strictly below its parent, after the import as before it.
  for (const r of rows) {
    const code = r.values.code!;
    const parent = parentOf.get(code);
    if (parent && levelOf(parent) && rank(levelOf(code)) <= rank(levelOf(parent))) {
      problems.push(problemAt('offices', r, 'level', `must be below the level of its parent ${parent} (${levelOf(parent)})`, 'level_not_below_parent'));
    }
  }
  for (const child of subtree) {
    const parent = child.parentId ? codeOfId.get(child.parentId) : undefined;
    const r = parent ? inFile.get(parent) : undefined;
    if (r && !inFile.has(child.code) && rank(child.level) <= rank(levelOf(parent!))) {
      problems.push(problemAt('offices', r, 'level', `office ${child.code} (${child.level}) below it must stay below it`, 'level_above_child'));
    }
  }
  if (problems.length > 0) return { problems };

  const created = rows.filter((r) => !byCode.has(r.values.code!)).sort((a, b) => pathOf.get(a.values.code!)!.length - pathOf.get(b.values.code!)!.length);
  const updated = rows.filter((r) => {
    const o = byCode.get(r.values.code!);
    return o && (o.name !== r.values.name || o.level !== r.values.level);
  });
  if (!dryRun) {
    for (const r of created) {
      const parent = await tx.office.findUniqueOrThrow({ where: { code: parentOf.get(r.values.code!)! }, select: { id: true } });
      await tx.office.create({ data: { code: r.values.code!, name: r.values.name!, level: r.values.level as OfficeLevel, parentId: parent.id, path: pathOf.get(r.values.code!)! } });
    }
    for (const r of updated) await tx.office.update({ where: { code: r.values.code! }, data: { name: r.values.name!, level: r.values.level as OfficeLevel } });
  }
  return { created: created.length, updated: updated.length, unchanged: rows.length - created.length - updated.length };
}

/** Units and observers: a code, a name, one enum and the code of what they belong to. */
interface MemberTable {
  kind: 'units' | 'observers';
  table: string;
  enumField: 'kind' | 'role';
  enumType: string;
  refField: 'officeCode' | 'unitCode';
  refColumn: string;
  /** The codes of the given references the actor may use, with their ids. */
  refs: (tx: Tx, actor: Actor, codes: string[]) => Promise<Map<string, string>>;
  /** The rows already stored under the given codes, with the office path that says whose they are. */
  existing: (tx: Tx, codes: string[]) => Promise<Array<{ code: string; name: string; value: string; ref_id: string; path: string }>>;
}

const UNITS: MemberTable = {
  kind: 'units',
  table: 'units',
  enumField: 'kind',
  enumType: 'UnitKind',
  refField: 'officeCode',
  refColumn: 'office_id',
  refs: async (tx, actor, codes) =>
    new Map(
      (await tx.$queryRaw<Array<{ id: string; code: string }>>`SELECT id, code FROM offices WHERE code = ANY(${codes}::text[]) AND path LIKE ${`${likePrefix(actor.office!.path)}%`}`).map((o) => [o.code, o.id]),
    ),
  existing: (tx, codes) =>
    tx.$queryRaw`SELECT u.code, u.name, u.kind::text AS value, u.office_id::text AS ref_id, o.path FROM units u JOIN offices o ON o.id = u.office_id WHERE u.code = ANY(${codes}::text[])`,
};

const OBSERVERS: MemberTable = {
  kind: 'observers',
  table: 'observers',
  enumField: 'role',
  enumType: 'ObserverRole',
  refField: 'unitCode',
  refColumn: 'unit_id',
  refs: async (tx, actor, codes) =>
    new Map(
      (
        await tx.$queryRaw<Array<{ id: string; code: string }>>`SELECT u.id, u.code FROM units u JOIN offices o ON o.id = u.office_id WHERE u.code = ANY(${codes}::text[]) AND o.path LIKE ${`${likePrefix(actor.office!.path)}%`}`
      ).map((u) => [u.code, u.id]),
    ),
  existing: (tx, codes) =>
    tx.$queryRaw`SELECT b.code, b.name, b.role::text AS value, b.unit_id::text AS ref_id, o.path FROM observers b JOIN units u ON u.id = b.unit_id JOIN offices o ON o.id = u.office_id WHERE b.code = ANY(${codes}::text[])`,
};

async function applyMembers(tx: Tx, actor: Actor, rows: Rows, dryRun: boolean, t: MemberTable): Promise<Applied> {
  const refs = await t.refs(tx, actor, [...new Set(rows.map((r) => r.values[t.refField]!))]);
  const existing = new Map((await t.existing(tx, rows.map((r) => r.values.code!))).map((e) => [e.code, e]));
  const problems: CellProblem[] = [];
  const what = t.kind === 'units' ? 'unit' : 'observer';
  const refWhat = t.kind === 'units' ? 'office' : 'unit';
  for (const r of rows) {
    const e = existing.get(r.values.code!);
    if (e && !isUnder(e.path, actor.office!.path)) problems.push(problemAt(t.kind, r, 'code', `code ${r.values.code} is taken by a ${what} outside your subtree`, 'taken'));
    if (!refs.has(r.values[t.refField]!)) problems.push(problemAt(t.kind, r, t.refField, `unknown ${refWhat} ${r.values[t.refField]}`, 'unknown'));
  }
  if (problems.length > 0) return { problems };

  const records = rows.map((r) => ({ code: r.values.code!, name: r.values.name!, value: r.values[t.enumField]!, ref_id: refs.get(r.values[t.refField]!)! }));
  const created = records.filter((r) => !existing.has(r.code));
  const updated = records.filter((r) => {
    const e = existing.get(r.code);
    return e && (e.name !== r.name || e.value !== r.value || e.ref_id !== r.ref_id);
  });
  if (!dryRun) {
    const table = Prisma.raw(t.table);
    const enumColumn = Prisma.raw(t.enumField);
    const refColumn = Prisma.raw(t.refColumn);
    const enumType = Prisma.raw(`"${t.enumType}"`);
    // One statement per batch: Prisma's createMany compiles each row, far too slow for tens of thousands.
    for (let i = 0; i < created.length; i += 10_000) {
      await tx.$executeRaw`
        INSERT INTO ${table} (id, code, name, ${enumColumn}, ${refColumn})
        SELECT gen_random_uuid(), r.code, r.name, r.value::${enumType}, r.ref_id
        FROM jsonb_to_recordset(${JSON.stringify(created.slice(i, i + 10_000))}::jsonb) AS r(code text, name text, value text, ref_id uuid)`;
    }
    for (let i = 0; i < updated.length; i += 10_000) {
      await tx.$executeRaw`
        UPDATE ${table} AS x SET name = r.name, ${enumColumn} = r.value::${enumType}, ${refColumn} = r.ref_id
        FROM jsonb_to_recordset(${JSON.stringify(updated.slice(i, i + 10_000))}::jsonb) AS r(code text, name text, value text, ref_id uuid)
        WHERE x.code = r.code`;
    }
  }
  return { created: created.length, updated: updated.length, unchanged: records.length - created.length - updated.length };
}

/** The template: the kind's headers and notes, no rows. */
export async function importTemplate(kind: ImportKind) {
  return { filename: `${kind}-template.xlsx`, body: await directoryWorkbook(kind, []) };
}

/** A directory list as the import reads it, so exporting and importing again changes nothing. */
export async function exportDirectory(ctx: UseCaseContext, actor: Actor, kind: ImportKind, query: { officeCode?: string; unitCode?: string }) {
  const records: Array<Record<string, string | null>> =
    kind === 'offices' ? await listOffices(ctx, actor) : kind === 'units' ? await listUnits(ctx, actor, query) : await listObservers(ctx, actor, query);
  return { filename: `${kind}.xlsx`, body: await directoryWorkbook(kind, records) };
}
