import { z } from 'zod';

const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('duban'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Extra statutory calendar data (JSON) for years the bundled calendar does not cover yet. */
  DUBAN_CALENDAR_FILE: z.string().optional(),
  /** Fewest observers' responses before a unit may see its own questionnaire aggregates; never below 3. */
  DUBAN_MIN_RESPONSES_FOR_UNIT: z.coerce.number().int().min(3).default(3),
  /** Largest request body the API accepts. */
  BODY_LIMIT: z.string().default('5mb'),
  /** Largest spreadsheet a directory import accepts, in bytes. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
});
export type Config = z.infer<typeof Config>;

/** Reads the environment once; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
