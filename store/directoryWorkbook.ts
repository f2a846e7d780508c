import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { SHEETS, type Cell, type ImportKind, type SheetRow } from '../domain/directorySheet';

/** The file is not a spreadsheet the import reads; the API answers 415. */
export class NotASpreadsheet extends Error {}

export interface SheetContent {
  format: 'xlsx' | 'csv';
  header: Cell[];
  rows: SheetRow[];
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Reads a CSV in UTF-8 (with or without BOM) or GB18030, or an xlsx: its worksheet named
 * `sheetName` when it has one (so one workbook can hold the whole directory), else its first.
 */
export async function readSpreadsheet(bytes: Buffer, sheetName?: string): Promise<SheetContent> {
  if (bytes.subarray(0, 4).equals(ZIP)) return readXlsx(bytes, sheetName);
  if (bytes.subarray(0, 4).equals(OLE2)) throw new NotASpreadsheet('an Excel 97-2003 (.xls) file: save it as .xlsx or CSV');
  return readCsv(bytes);
}

async function readXlsx(bytes: Buffer, sheetName?: string): Promise<SheetContent> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new NotASpreadsheet('the file is a zip archive but not an xlsx workbook');
  }
  const sheet = workbook.worksheets.find((w) => w.name === sheetName) ?? workbook.worksheets[0];
  if (!sheet) throw new NotASpreadsheet('the workbook has no worksheet');
  const width = sheet.columnCount;
  const cellsOf = (row: ExcelJS.Row) => Array.from({ length: width }, (_, i) => readCell(row.getCell(i + 1)));
  const header = sheet.rowCount > 0 ? cellsOf(sheet.getRow(1)) : [];
  const rows: SheetRow[] = [];
  for (let n = 2; n <= sheet.rowCount; n++) rows.push({ row: n, cells: cellsOf(sheet.getRow(n)) });
  return { format: 'xlsx', header, rows };
}

function readCell(cell: ExcelJS.Cell): Cell {
  if (cell.isMerged) return { unreadable: `a merged cell (${cell.master.address}): unmerge and give every row its own value`, code: 'merged' };
  const v = cell.value;
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v) };
  if (v instanceof Date) return { unreadable: 'a date where text is expected', code: 'invalid_type' };
  if ('formula' in v || 'sharedFormula' in v) {
    // Excel saves the value a formula last computed; a file written by a program may carry none.
    const result = (v as ExcelJS.CellFormulaValue).result;
    if (typeof result === 'string' || typeof result === 'number') return { text: String(result) };
    return { unreadable: 'a formula without a computed value: paste the values instead', code: 'formula' };
  }
  if ('richText' in v) return { text: v.richText.map((r) => r.text).join('') };
  if ('text' in v && typeof v.text === 'string') return { text: v.text };
  if ('error' in v) return { unreadable: `an error value (${v.error})`, code: 'invalid_type' };
  return { unreadable: 'a value that is not text', code: 'invalid_type' };
}

function decodeText(bytes: Buffer): string {
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) return bytes.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: Excel on a Chinese Windows saves CSV as GB18030 (GBK).
    return iconv.decode(bytes, 'gb18030');
  }
}

function readCsv(bytes: Buffer): SheetContent {
  if (bytes.includes(0)) throw new NotASpreadsheet('the file is neither xlsx nor CSV text');
  const text = decodeText(bytes);
  // Text files have no control characters beyond tab and line breaks; binary formats (PDF, images) do.
  if (/[\x01-\x08\x0b\x0c\x0e-\x1f\ufffd]/.test(text.slice(0, 65536))) throw new NotASpreadsheet('the file is neither xlsx nor CSV text');
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (err) {
    throw new NotASpreadsheet(`the CSV cannot be read: ${(err as Error).message}`);
  }
  const [header = [], ...rest] = records;
  return { format: 'csv', header: header.map((text) => ({ text })), rows: rest.map((cells, i) => ({ row: i + 2, cells: cells.map((text) => ({ text })) })) };
}

/**
 * A workbook in the import's layout: the kind's sheet with its Chinese headers and the given
 * rows (enum values as their Chinese labels), and a 填写说明 sheet saying what each column takes.
 */
export async function directoryWorkbook(kind: ImportKind, records: Array<Record<string, string | null>>): Promise<Buffer> {
  return directoryWorkbooks({ [kind]: records });
}

/** One workbook with a sheet per kind given, in the order offices, units, observers; the import picks the sheet of its kind. */
export async function directoryWorkbooks(lists: Partial<Record<ImportKind, Array<Record<string, string | null>>>>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'duban';
  const kinds = (Object.keys(SHEETS) as ImportKind[]).filter((k) => lists[k]);
  for (const kind of kinds) {
    const { sheet: name, columns } = SHEETS[kind];
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((c) => ({ header: c.header, key: c.field, width: Math.max(16, c.header.length * 3) }));
    sheet.getRow(1).font = { bold: true };
    for (const r of lists[kind]!) sheet.addRow(Object.fromEntries(columns.map((c) => [c.field, r[c.field] == null ? '' : c.label ? c.label(r[c.field]!) : r[c.field]])));
  }
  const notes = workbook.addWorksheet('填写说明');
  notes.columns = [
    { header: '列', key: 'header', width: 18 },
    { header: '字段', key: 'field', width: 14 },
    { header: '必填', key: 'required', width: 8 },
    { header: '说明', key: 'note', width: 70 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const kind of kinds) for (const c of SHEETS[kind].columns) notes.addRow({ header: c.header, field: c.field, required: c.required ? '是' : '否', note: c.note });
  notes.addRow({});
  notes.addRow({ header: '按编码匹配：已有的更新，没有的新增；任何一格有误则整表不导入。读取与类别同名的工作表（产改办、试点单位、改革观察员），没有则读第一个工作表。' });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
