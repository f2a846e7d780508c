import type ExcelJS from 'exceljs';

/** The 单位 sheet's row of a unit as a header -> value record. */
export function unitSheetRow(wb: ExcelJS.Workbook, unitCode: string): Record<string, unknown> {
  const ws = wb.getWorksheet('单位')!;
  const headers = (ws.getRow(1).values as unknown[]).slice(1);
  for (let r = 2; r <= ws.rowCount; r++) {
    const values = (ws.getRow(r).values as unknown[]).slice(1);
    if (values.includes(unitCode)) return Object.fromEntries(headers.map((h, i) => [String(h), values[i] ?? null]));
  }
  throw new Error(`no row for ${unitCode} in sheet 单位`);
}

/** A unit's row of an evaluation CSV as a header -> value record. */
export function csvRow(text: string, unitCode: string): Record<string, string> {
  const [header, ...rows] = text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
  const row = rows.find((r) => r.includes(unitCode));
  if (!row) throw new Error(`no csv row for ${unitCode}: ${text}`);
  return Object.fromEntries(header.map((h, i) => [h, row[i]]));
}
