import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from '../errors';

extendZodWithOpenApi(z);

export { z };

/** The largest value a PostgreSQL `integer` column holds. */
export const INT4_MAX = 2_147_483_647;

// What PostgreSQL cannot store (NUL in text and jsonb) and what no record should carry (other C0 controls, DEL).
// Free text keeps tab, newline and carriage return; a one-line value keeps none of them.
const LINE_CHAR = String.raw`[^\u0000-\u001f\u007f]`;
const TEXT_CHAR = String.raw`[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]`;
/** A character JavaScript's trim() keeps: a value holding one is not blank. */
const SOLID_CHAR = String.raw`[^\u0000-\u0020\u007f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`;

/**
 * The document states each string rule as a `pattern`, so that a client (or a fuzzer) reading
 * it accepts exactly what the server accepts; `tests/unit/text-schemas.test.ts` holds the two together.
 */
export const textPattern = (multiline: boolean, blank: boolean) => {
  const c = multiline ? TEXT_CHAR : LINE_CHAR;
  return blank ? `^${c}*$` : `^${c}*${SOLID_CHAR}${c}*$`;
};

const LINE_CONTROL = new RegExp(LINE_CHAR.replace('[^', '['));
const TEXT_CONTROL = new RegExp(TEXT_CHAR.replace('[^', '['));
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface TextOptions {
  /** Tab, newline and carriage return allowed (free text). */
  multiline?: boolean;
  /** An empty or all-blank value allowed. */
  blank?: boolean;
  /** Leading and trailing whitespace removed after validation (the length limit counts what was sent). */
  trim?: boolean;
  min?: number;
}

function unstorable(value: string, multiline: boolean): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if ((multiline ? TEXT_CONTROL : LINE_CONTROL).test(value)) {
    return multiline ? 'must not contain control characters other than tab and newline' : 'must not contain control characters';
  }
  // PostgreSQL and UTF-8 have no place for half of a surrogate pair.
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** A string of at most `max` characters that PostgreSQL can store; by default one line, trimmed, not blank. */
export function text(max: number, opts: TextOptions = {}) {
  const { multiline = false, blank = false, trim = true, min = 0 } = opts;
  const pattern = new RegExp(textPattern(multiline, blank));
  const checked = z
    .string()
    .superRefine((value, ctx) => {
      // Counted in characters (code points), as JSON Schema's maxLength counts them, not UTF-16 units.
      const length = [...value].length;
      if (length > max) ctx.addIssue({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, message: `at most ${max} characters` });
      else if (length < min) ctx.addIssue({ code: 'too_small', origin: 'string', minimum: min, inclusive: true, message: `at least ${min} characters` });
      const problem = unstorable(value, multiline);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      else if (!pattern.test(value)) ctx.addIssue({ code: 'custom', message: 'must not be blank' });
    })
    .openapi({ pattern: textPattern(multiline, blank), maxLength: max, ...(min > 0 ? { minLength: min } : {}) });
  return trim ? checked.trim() : checked;
}

/** A string taken as it is, with no characters PostgreSQL refuses (keys of maps, secrets). */
export const plain = (max: number, min = 0) => text(max, { blank: true, trim: false, min });

/** Codes end up in workflow ids and URLs, so they keep to a safe alphabet. */
export const Code = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64')
  .openapi({ example: 'jx-nc-001' });

export const Name = text(200);

/** An http(s) address that PostgreSQL can store. */
export const Url = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((v) => unstorable(v, false) === undefined, 'must not contain control characters');

export const DateString = z.iso.date().openapi({ example: '2026-12-31', description: 'A calendar date in Asia/Shanghai' });

export const Instant = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-31T18:00:00+08:00' });

export const Uuid = z.uuid();

export const IdParams = z.object({ id: Uuid });

/** An integer query parameter: digits only (no "", "0x10" or "1e3" read as numbers), within a column's range. */
export const queryInt = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?[0-9]{1,15}$/.test(v) ? Number(v) : v), z.number().int().min(min).max(max));

export const Page = z.object({
  limit: queryInt(1, 5000).default(500),
  offset: queryInt(0, INT4_MAX).default(0),
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
