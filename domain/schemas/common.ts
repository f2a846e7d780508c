import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from '../errors';

extendZodWithOpenApi(z);

export { z };

/** Codes end up in workflow ids and URLs, so they keep to a safe alphabet. */
export const Code = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64')
  .openapi({ example: 'jx-nc-001' });

export const Name = z.string().trim().min(1).max(200);

export const DateString = z.iso.date().openapi({ example: '2026-12-31', description: 'A calendar date in Asia/Shanghai' });

export const Instant = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-31T18:00:00+08:00' });

export const Uuid = z.uuid();

export const IdParams = z.object({ id: Uuid });

export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(ERROR_CODES).openapi({ description: 'A stable name for the kind of error, for programs and the pages to key on' }),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), in: z.string().optional(), code: z.string().optional().openapi({ description: 'What is wrong with the field, as a stable word' }),
          row: z.number().int().optional().openapi({ description: 'Imports: the row in the sheet (the header is row 1)' }),
          column: z.string().optional().openapi({ description: 'Imports: the column header' }),
        }),
      )
      .optional(),
  })
  .openapi('Problem');
