import { ImportKindQuery, ImportQuery, ImportResultView, ObserversExportQuery, UnitsExportQuery } from '../../domain/schemas/imports';
import { XLSX_TYPE } from '../../domain/schemas/workbook';
import type { ImportKind } from '../../domain/directorySheet';
import type { UseCaseContext } from '../../usecases/context';
import { exportDirectory, importDirectory, importTemplate } from '../../usecases/imports';
import type { Routes } from '../route';
import { readUpload } from '../upload';

const LAYOUT = 'Columns, by Chinese header or field name — offices: 产改办编码 code, 产改办名称 name, 层级 level, 上级产改办编码 parentCode; units: 单位编码 code, 单位名称 name, 单位类型 kind, 所属产改办编码 officeCode; observers: 观察员编码 code, 姓名 name, 身份 role, 所在单位编码 unitCode.';

export function importRoutes(routes: Routes, ctx: UseCaseContext) {
  const exportRoute = (kind: ImportKind, query: typeof UnitsExportQuery | typeof ObserversExportQuery | undefined) =>
    routes.add({
      method: 'get', path: `/${kind}.xlsx`, tags: ['Directory'], roles: ['office'], query, produces: XLSX_TYPE,
      summary: `The ${kind} of your subtree as a workbook in the import's layout: importing it again changes nothing`,
      handler: async ({ query: q, principal, res }) => {
        const file = await exportDirectory(ctx, principal, kind, (q ?? {}) as { officeCode?: string; unitCode?: string });
        res.type(XLSX_TYPE).attachment(file.filename).send(file.body);
      },
    });
  routes
    .add({
      method: 'get', path: '/imports/template.xlsx', tags: ['Directory'], roles: ['office'], query: ImportKindQuery, produces: XLSX_TYPE,
      summary: `An empty workbook with the Chinese column headers the import reads, and a sheet of notes. ${LAYOUT}`,
      handler: async ({ query, res }) => {
        const file = await importTemplate(query.kind);
        res.type(XLSX_TYPE).attachment(file.filename).send(file.body);
      },
    })
    .add({
      method: 'post', path: '/imports', tags: ['Directory'], roles: ['office'], act: 'admin', query: ImportQuery, response: ImportResultView, errors: [409, 413, 415],
      multipart: { field: 'file', description: 'An xlsx workbook (first sheet) or a CSV file in UTF-8, with or without BOM, or GB18030' },
      summary:
        'Imports offices, units or observers of your subtree from a spreadsheet, all or nothing: rows are matched on code; any bad cell answers 400 with errors[] {path: rows.<n>.<field>, row, column, message, code} for every one, and nothing is written. ' +
        LAYOUT,
      handler: async ({ query, principal, req }) => {
        const upload = await readUpload(req, 'file', ctx.config.IMPORT_MAX_BYTES);
        return importDirectory(ctx, principal, query.kind, upload.bytes, query.dryRun);
      },
    });
  exportRoute('offices', undefined);
  exportRoute('units', UnitsExportQuery);
  exportRoute('observers', ObserversExportQuery);
}
