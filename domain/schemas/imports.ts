import { IMPORT_KINDS } from '../directorySheet';
import { Code, z } from './common';

export const ImportKindQuery = z.object({ kind: z.enum(IMPORT_KINDS) });

export const ImportQuery = ImportKindQuery.extend({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ description: 'true: check the file and count what would change, writing nothing' }),
});

export const ImportResultView = z
  .object({
    kind: z.enum(IMPORT_KINDS),
    dryRun: z.boolean(),
    rows: z.number().int().openapi({ description: 'Data rows read (rows with nothing in them are skipped)' }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
  })
  .openapi('ImportResult');

export const UnitsExportQuery = z.object({ officeCode: Code.optional() });
export const ObserversExportQuery = z.object({ unitCode: Code.optional() });
