import { Code, Name, z } from './schemas/common';
import { OBSERVER_ROLES, OFFICE_LEVELS, UNIT_KINDS } from './vocabulary';

/**
 * The spreadsheet layout of the directory: one sheet per kind, one row per office, unit or
 * observer, under Chinese headers. The import reads it (and the API's own field names as
 * headers), the template and the exports write it, so a list exported and imported again is
 * the same list.
 */
export const IMPORT_KINDS = ['offices', 'units', 'observers'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const LEVEL_LABELS: Record<(typeof OFFICE_LEVELS)[number], string> = { province: '省级', city: '市级', county: '县级', town: '乡镇' };
export const UNIT_KIND_LABELS: Record<(typeof UNIT_KINDS)[number], string> = {
  state_owned: '国有企业',
  private: '非公企业',
  high_tech: '高新技术企业',
  sme: '中小微企业',
  city: '试点城市',
  town: '试点乡镇',
  industry: '行业试点',
  demo_point: '示范点',
};
export const ROLE_LABELS: Record<(typeof OBSERVER_ROLES)[number], string> = { model_worker: '劳模', frontline: '一线职工', union_cadre: '工会干部' };

/** An enum cell: the API's value or its Chinese label. */
function vocabulary<V extends string>(values: readonly V[], labels: Record<V, string>) {
  const byText = new Map<string, V>(values.flatMap((v) => [[v, v] as [string, V], [labels[v], v] as [string, V]]));
  const listed = values.map((v) => `${labels[v]}(${v})`).join('、');
  return z.string().transform((text, ctx) => {
    const value = byText.get(text) ?? byText.get(text.toLowerCase());
    if (value === undefined) {
      ctx.addIssue({ code: 'invalid_value', values: [...values], message: `must be one of ${listed}` });
      return z.NEVER;
    }
    return value;
  });
}

/** A column of one of our vocabularies: read as the Chinese label or the API value, written as the label. */
function vocabularyColumn<V extends string>(values: readonly V[], labels: Record<V, string>): Pick<Column, 'schema' | 'label' | 'note'> {
  return { schema: vocabulary(values, labels), label: (v) => labels[v as V], note: Object.values<string>(labels).join('、') };
}

export interface Column {
  field: string;
  header: string;
  required: boolean;
  schema: z.ZodType;
  /** How the export writes a stored value. */
  label?: (value: string) => string;
  /** What the template's notes sheet says the column takes. */
  note: string;
}

const OptionalCode = z.union([z.literal('').transform(() => undefined), Code]);

export const SHEETS: Record<ImportKind, { sheet: string; columns: Column[] }> = {
  offices: {
    sheet: '产改办',
    columns: [
      { field: 'code', header: '产改办编码', required: true, schema: Code, note: '唯一编码：字母、数字、“.”“_”“-”，如 jx-nc' },
      { field: 'name', header: '产改办名称', required: true, schema: Name, note: '如 南昌市总工会产改办' },
      { field: 'level', header: '层级', required: true, ...vocabularyColumn(OFFICE_LEVELS, LEVEL_LABELS) },
      { field: 'parentCode', header: '上级产改办编码', required: false, schema: OptionalCode, note: '空：本产改办之下；可引用本表中其他行' },
    ],
  },
  units: {
    sheet: '试点单位',
    columns: [
      { field: 'code', header: '单位编码', required: true, schema: Code, note: '唯一编码，如 jx-nc-001' },
      { field: 'name', header: '单位名称', required: true, schema: Name, note: '如 江西铜业集团有限公司' },
      { field: 'kind', header: '单位类型', required: true, ...vocabularyColumn(UNIT_KINDS, UNIT_KIND_LABELS) },
      { field: 'officeCode', header: '所属产改办编码', required: true, schema: Code, note: '本产改办或其下级的编码' },
    ],
  },
  observers: {
    sheet: '改革观察员',
    columns: [
      { field: 'code', header: '观察员编码', required: true, schema: Code, note: '唯一编码，如 jx-nc-001-obs1' },
      { field: 'name', header: '姓名', required: true, schema: Name, note: '' },
      { field: 'role', header: '身份', required: true, ...vocabularyColumn(OBSERVER_ROLES, ROLE_LABELS) },
      { field: 'unitCode', header: '所在单位编码', required: true, schema: Code, note: '本产改办辖内试点单位的编码' },
    ],
  },
};

/** A cell as read from the file: its text, or why it cannot be read. */
export type Cell = { text: string } | { unreadable: string; code: string };

/** One data row: its number in the sheet (the header is row 1) and its cells in file order. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export interface CellProblem {
  path: string;
  row: number;
  column: string;
  message: string;
  code: string;
}

export interface ParsedSheet {
  rows: Array<{ index: number; row: number; values: Record<string, string | undefined> }>;
  problems: CellProblem[];
}

const normal = (header: string) => header.replace(/^\uFEFF/, '').replace(/[\s*＊]/g, '').toLowerCase();

/**
 * Reads a sheet against its layout: finds each column by its Chinese header or field name,
 * skips rows with nothing in them, and checks every cell; every problem is named, so one
 * answer lists all that a person has to fix. Rows are numbered from 0 in paths (`rows.0.code`)
 * and as in the sheet in `row`.
 */
export function parseSheet(kind: ImportKind, header: Cell[], rows: SheetRow[]): ParsedSheet {
  const { columns } = SHEETS[kind];
  const problems: CellProblem[] = [];
  const at = new Map<string, number>();
  header.forEach((cell, i) => {
    const text = 'text' in cell ? cell.text : '';
    if (text.trim() === '') return;
    const column = columns.find((c) => normal(c.header) === normal(text) || normal(c.field) === normal(text));
    if (!column) {
      problems.push({ path: `columns.${i}`, row: 1, column: text, message: `unknown column "${text}"; the columns are ${columns.map((c) => c.header).join(', ')}`, code: 'unknown_column' });
    } else if (at.has(column.field)) {
      problems.push({ path: `columns.${i}`, row: 1, column: text, message: `column ${column.header} appears twice`, code: 'duplicate_column' });
    } else at.set(column.field, i);
  });
  for (const c of columns) {
    if (c.required && !at.has(c.field)) problems.push({ path: `columns.${c.field}`, row: 1, column: c.header, message: `the column ${c.header} (${c.field}) is missing`, code: 'missing_column' });
  }
  if (problems.length > 0) return { rows: [], problems };

  const isBlank = (cell: Cell | undefined) => !cell || ('text' in cell && cell.text.trim() === '');
  const data = rows.filter((r) => !r.cells.every(isBlank));
  const parsed: ParsedSheet['rows'] = [];
  const firstRowOfCode = new Map<string, number>();
  data.forEach((r, index) => {
    const values: Record<string, string | undefined> = {};
    const problem = (c: Column, message: string, code: string) => problems.push({ path: `rows.${index}.${c.field}`, row: r.row, column: c.header, message, code });
    r.cells.forEach((cell, i) => {
      if (!isBlank(cell) && ![...at.values()].includes(i)) problems.push({ path: `rows.${index}`, row: r.row, column: `${'text' in header[i] ? (header[i] as { text: string }).text : ''}`, message: 'a value in a column without a header', code: 'unknown_column' });
    });
    for (const c of columns) {
      const cell = r.cells[at.get(c.field) ?? -1];
      if (cell && 'unreadable' in cell) {
        problem(c, cell.unreadable, cell.code);
        continue;
      }
      const text = cell?.text.trim() ?? '';
      if (text === '' && c.required) {
        problem(c, 'required', 'required');
        continue;
      }
      const result = c.schema.safeParse(text);
      if (!result.success) problem(c, result.error.issues[0]?.message ?? 'invalid', result.error.issues[0]?.code ?? 'invalid');
      else values[c.field] = result.data as string | undefined;
    }
    const code = values.code;
    if (code !== undefined) {
      const first = firstRowOfCode.get(code);
      if (first !== undefined) problem(columns[0], `code ${code} already appears in row ${first}`, 'duplicate');
      else firstRowOfCode.set(code, r.row);
    }
    parsed.push({ index, row: r.row, values });
  });
  return { rows: parsed, problems };
}
