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
  /** The address people reach the pages at (e.g. https://duban.example.gov.cn), for links the API hands out; by default the request's own. */
  DUBAN_PUBLIC_URL: z.url().optional(),
  /** Single sign-on (OpenID Connect): the provider's issuer URL; with a client id, it turns single sign-on on. */
  DUBAN_OIDC_ISSUER: z.url().optional(),
  DUBAN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  DUBAN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  DUBAN_OIDC_SCOPE: z.string().default('openid profile'),
  /** The ID token claim matched against a person's username. */
  DUBAN_OIDC_USERNAME_CLAIM: z.string().default('preferred_username'),
  /** The sign-in button's text. */
  DUBAN_OIDC_LABEL: z.string().default('统一身份认证登录'),
  /** Whether people may sign in with a password; switch off when single sign-on is the only way. */
  DUBAN_PASSWORD_SIGNIN: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /**
   * Ladder notices due at 09:00 are spread over this many minutes after 09:00, each unit of a round at
   * its own fixed offset, so that thousands of them do not fall due in one second; at most 600, so a
   * notice never leaves its day. 0 sends them all at 09:00 sharp.
   */
  DUBAN_NOTICE_SPREAD_MINUTES: z.coerce.number().int().min(0).max(600).default(60),
  /**
   * When the ladder's notices go out on their day (Beijing time, HH:MM), before the spread: 09:00 by default; an office
   * that starts later (10:00, as many in Xinjiang do) sets it later. Between 06:00 and 14:00, so a notice spread by
   * the most allowed still goes out on its day.
   */
  DUBAN_NOTICE_TIME: z
    .string()
    .regex(/^\d\d:\d\d$/, 'must be HH:MM')
    .refine((t) => t >= '06:00' && t <= '14:00' && Number(t.slice(3)) < 60, 'must be between 06:00 and 14:00')
    .default('09:00'),
  /** Longest the API waits for a workflow to take a submission, review or other update before it answers 503. */
  DUBAN_WORKFLOW_CALL_SECONDS: z.coerce.number().min(1).max(300).default(15),
  /**
   * Workflows a worker keeps in memory between their tasks (the SDK's sticky cache), least recently used
   * evicted first; an evicted one replays its history on its next task (a unit's is a few dozen events).
   * The SDK's own default follows the heap limit: 2,310 with Node's 4 GiB, about 0.35 MiB each.
   */
  DUBAN_WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(1000),
  /**
   * A unit whose first ladder step is at least a minute away is started with its first workflow task deferred to
   * that step (Temporal's start delay): starting a national round's 20,000 units then costs the servers a start
   * each, and each unit runs when it has something to do. A write, a closing round or a published calendar runs
   * it at once. 'false' runs every unit's first workflow task as it starts.
   */
  DUBAN_DEFER_UNIT_FIRST_TASK: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /**
   * Workflow tasks a worker holds at once. A unit workflow that a worker's fan-out starts comes back to that
   * worker with the start response (eager start) only while it has a free slot; otherwise it waits in the task
   * queue, behind thousands of others in a national round, and so does the unit's first write. 256 keeps that
   * queue short while a round issues (bench/RESULTS.md). On a crowded CPU a worker may not reach the last of them
   * within the 10 s a workflow task may take; the server then hands that task out again (0-3 units in 20,000).
   */
  DUBAN_WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(2000).default(256),
  /**
   * A board whose scope has at least this many units (a province's or a large city's, in a national round) is drawn
   * from counts the API keeps for up to DUBAN_BOARD_SNAPSHOT_SECONDS and refreshes while people watch it; its
   * lights are still judged at each read. Smaller boards are counted at each read.
   */
  DUBAN_BOARD_SNAPSHOT_UNITS: z.coerce.number().int().min(1).default(1000),
  /** Age in seconds from which such a board's kept counts are read again (its answer's countsAsOf); 0 counts every board at each read. */
  DUBAN_BOARD_SNAPSHOT_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /**
   * Oldest kept counts, in seconds, a board is drawn from while they are read again, rather than making its reader
   * wait for that read (a load of 20,000 units' counts can take longer than DUBAN_BOARD_SNAPSHOT_SECONDS while a
   * national round issues). Never less than DUBAN_BOARD_SNAPSHOT_SECONDS.
   */
  DUBAN_BOARD_SNAPSHOT_STALE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Largest request body the API accepts. */
  BODY_LIMIT: z.string().default('5mb'),
  /** Largest spreadsheet a directory import accepts, in bytes. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Largest evidence file, in bytes (default 50 MB). */
  DUBAN_FILE_MAX_BYTES: z.coerce.number().int().min(1).max(2_000_000_000).default(50 * 1024 * 1024),
  /** Working folder for uploads in progress, and the blob store itself when DUBAN_BLOB_STORE=local. */
  DUBAN_FILES_DIR: z.string().default('.data/files'),
  /** Where evidence bytes are kept: a local folder, or an S3-compatible service (S3_* below). */
  DUBAN_BLOB_STORE: z.enum(['local', 's3']).default('local'),
  /** Hours an uploaded file no submission names is kept before the sweep removes it. */
  DUBAN_UNUSED_FILE_HOURS: z.coerce.number().min(0).default(72),
  /** Minutes between two runs of the sweep of unused files (a Temporal schedule). */
  DUBAN_FILE_SWEEP_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Minutes a sign-in session may sit unused before it ends. */
  DUBAN_SESSION_IDLE_MINUTES: z.coerce.number().min(0.01).default(60),
  /** Hours after sign-in a session ends however busy it is. */
  DUBAN_SESSION_MAX_HOURS: z.coerce.number().min(0.001).default(12),
  /** Failed sign-ins per username (whether or not it exists) within the window before 429. */
  DUBAN_LOGIN_MAX_FAILURES_PER_USER: z.coerce.number().int().min(1).default(10),
  /** Failed sign-ins per client address within the window before 429. */
  DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  /** The window failed sign-ins are counted in, in minutes; a lockout ends with its window. */
  DUBAN_LOGIN_WINDOW_MINUTES: z.coerce.number().min(0.01).default(15),
  /** Express's "trust proxy": which proxies' X-Forwarded-For/-Proto to believe (client address, https). */
  DUBAN_TRUST_PROXY: z.string().default('loopback'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().default('duban-evidence'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style URLs (http://host/bucket/key), which most self-hosted S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
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
