// Shared set-up for the time-skipping workflow tests and the history recorder: a Temporal
// time-skipping test server, a worker running the real workflows with the real activities
// against the real PostgreSQL, and rows seeded the way the API would write them.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { createTaskActivities } from '../../../activities/tasks';
import { EscalationPolicyInput, RubricInput } from '../../../domain/schemas/rounds';
import type { EvidenceKind } from '../../../domain/vocabulary';
import { createDb, type Db } from '../../../src/db';
import { createLogger } from '../../../src/logger';
import { enqueueNotifications, type NewNotification } from '../../../store/notifications';
import type { RoundSpec } from '../../../store/roundSpec';
import { getUnitStateQuery, roundWorkflowId, unitWorkflowId, webhookWorkflowId, type PlannedTask } from '../../../workflows/contracts';
import type { superviseRound } from '../../../workflows/superviseRound';
import type { superviseUnit } from '../../../workflows/superviseUnit';
import { workflowBundle } from './bundle';
import { fixedCalendars } from '../../../activities/calendar';
import { DAY_MS, ScenarioTime } from './calendar-fixture';
import { createTimeSkippingEnv, type TimeSkippingEnv } from './test-server';
import { LocalBlobStore } from '../../../blobs/local';

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run through `npm test`, or point it at a migrated PostgreSQL database');
  return url;
}

/** Polls until `check` stops throwing (real time): the workflow acts after a skip returns. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface TaskSpecInput {
  /** A hand-written 2027 due date; the scenario moves it. */
  dueDate: string;
  evidence?: EvidenceKind[];
}

export interface LaunchedRound {
  roundId: string;
  launchedAt: number;
  closesAt: number;
  unitCodes: string[];
  templateCodes: string[];
  offices: { province: OfficeRow; city: OfficeRow; county: OfficeRow };
}

interface OfficeRow {
  id: string;
  code: string;
}

/** One test server, one database client, one bundle; a fresh worker per scenario. */
export class WorkflowHarness {
  readonly env: TestWorkflowEnvironment;

  private constructor(
    private readonly server: TimeSkippingEnv,
    readonly db: Db,
    readonly bundle: { code: string },
  ) {
    this.env = server.env;
  }

  /**
   * `bundle` replaces the production workflows, e.g. to record histories of an older version;
   * `server` replaces the time-skipping test server, e.g. with a dev server whose dynamic config
   * suggests continue-as-new early (the test server never suggests it).
   */
  static async create(opts: { bundle?: Promise<{ code: string }>; server?: () => Promise<TimeSkippingEnv> } = {}): Promise<WorkflowHarness> {
    const db = createDb(requireDatabaseUrl(), 5);
    const server = await (opts.server ?? createTimeSkippingEnv)().catch(async (err) => {
      await db.$disconnect();
      throw err;
    });
    try {
      return new WorkflowHarness(server, db, await (opts.bundle ?? workflowBundle()));
    } catch (err) {
      await server.teardown();
      await db.$disconnect();
      throw err;
    }
  }

  async teardown(): Promise<void> {
    await this.server.teardown();
    await this.db.$disconnect();
  }

  /**
   * Moves the server clock to the scenario's start (a hand-written 2027 instant, shifted by
   * whole 52-week blocks if real time is already past it) and starts a worker whose calendar
   * is the fixture moved the same way. Its activities spread 09:00 notices over
   * `noticeSpreadMinutes` (0 by default: every notice at 09:00 sharp, as the hand-computed ladders expect).
   */
  async scenario(startIso: string, opts: ScenarioOptions = {}): Promise<Scenario> {
    const time = ScenarioTime.after(await this.env.currentTimeMs(), startIso);
    const scenario = new Scenario(this, time, opts.noticeSpreadMinutes ?? 0, opts.deferFirstTask ?? false);
    // A server without time skipping would sleep for real: there the scenario starts now, its dates still ahead.
    if (opts.moveClock ?? true) await scenario.sleepUntil(time.at(startIso));
    await scenario.startWorker();
    return scenario;
  }
}

export interface ScenarioOptions {
  moveClock?: boolean;
  noticeSpreadMinutes?: number;
  /**
   * Units the round starts run their first workflow task at their first ladder step, as the product's worker does
   * (DUBAN_DEFER_UNIT_FIRST_TASK). Off by default: most scenarios query a unit's plan right after its start, and a
   * unit answers queries only once it has run.
   */
  deferFirstTask?: boolean;
}

export class Scenario {
  readonly taskQueue = `wf-test-${randomUUID()}`;
  readonly prefix = randomBytes(4).toString('hex');
  private worker?: Worker;
  private running?: Promise<void>;
  /**
   * A client that never toggles time skipping. env.client's handle.result() unlocks it while it
   * waits, and in the moment between the workflow finishing and the lock coming back the server
   * may jump to whatever timer is next (we saw ten years: a workflow's execution timeout). The
   * activities and result() below use this one instead; time moves only through sleepUntil.
   */
  private plainClient?: Client;
  private readonly workflowIds = new Set<string>();

  constructor(
    readonly harness: WorkflowHarness,
    readonly time: ScenarioTime,
    readonly noticeSpreadMinutes = 0,
    readonly deferFirstTask = false,
  ) {}

  get env() {
    return this.harness.env;
  }
  get db() {
    return this.harness.db;
  }
  get client() {
    return this.harness.env.client;
  }

  /** Shorthands for the scenario's hand-written instants and dates. */
  at = (iso: string) => this.time.at(iso);
  date = (d: string) => this.time.date(d);

  /** What the worker's activities are given: this scenario's database, queue and calendar fixture. */
  private activityDeps(client: Client) {
    const { db } = this.harness;
    return { db, client, taskQueue: this.taskQueue, calendars: fixedCalendars(this.time.calendar()), logger: createLogger('silent', 'duban-test'), minResponses: 3, noticeSpreadMinutes: this.noticeSpreadMinutes, blobs: new LocalBlobStore(path.join(os.tmpdir(), 'duban-workflow-tests-blobs')) };
  }

  async startWorker(): Promise<void> {
    const { env } = this.harness;
    // Not env.client (see plainClient): in the round's closeUnitWorkflows activity, which awaits
    // unit results, it would let the server skip past that activity's own heartbeat timeout.
    const client = (this.plainClient = new Client({ connection: env.connection, namespace: env.namespace }));
    this.worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowBundle: this.harness.bundle,
      activities: createActivities({ ...this.activityDeps(client), deferFirstTask: this.deferFirstTask }),
    });
    this.running = this.worker.run();
  }

  /** The task activities as the scenario's worker runs them, to call directly as a unit workflow calls them. */
  taskActivities() {
    return createTaskActivities(this.activityDeps(this.client));
  }

  async now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Skips the server clock forward to an instant (no-op when already there). */
  async sleepUntil(instant: number): Promise<void> {
    const now = await this.env.currentTimeMs();
    if (instant > now) await this.env.sleep(instant - now);
  }

  /**
   * Seeds what POST /rounds would have written: an office tree province > city > county,
   * units under the county, one template per task (in the province's catalogue), and the
   * round with its spec (default escalation policy and rubric, as the API fills them in),
   * launched now on the server clock.
   */
  async seedRound(opts: { tasks: TaskSpecInput[]; units?: number; closesAfterDays?: number; noticeSpreadMinutes?: number; noticeTime?: string }): Promise<LaunchedRound> {
    const { db } = this;
    const p = this.prefix;
    const province = await db.office.create({ data: { code: `prov-${p}`, name: `省产改办 ${p}`, level: 'province', path: `/prov-${p}/` } });
    const city = await db.office.create({ data: { code: `city-${p}`, name: `市产改办 ${p}`, level: 'city', parentId: province.id, path: `/prov-${p}/city-${p}/` } });
    const county = await db.office.create({
      data: { code: `cnty-${p}`, name: `县产改办 ${p}`, level: 'county', parentId: city.id, path: `/prov-${p}/city-${p}/cnty-${p}/` },
    });
    const unitCount = opts.units ?? 1;
    const units = [];
    for (let i = 1; i <= unitCount; i++) {
      units.push(await db.unit.create({ data: { code: `unit-${p}-${i}`, name: `试点企业 ${p}-${i}`, kind: 'state_owned', officeId: county.id } }));
    }
    const templateCodes: string[] = [];
    for (const [i, t] of opts.tasks.entries()) {
      const code = `tmpl-${p}-${i + 1}`;
      await db.taskTemplate.create({
        data: { code, officeId: province.id, category: '思想引领', title: `任务 ${i + 1}`, evidence: t.evidence ?? ['summary'], weight: 10, dueWorkingDays: 10 },
      });
      templateCodes.push(code);
    }
    const spec: RoundSpec = {
      tasks: opts.tasks.map((t, i) => ({ templateCode: templateCodes[i], dueDate: this.date(t.dueDate) })),
      escalationPolicy: EscalationPolicyInput.parse({}),
      rubric: RubricInput.parse({}),
      ...(opts.noticeSpreadMinutes === undefined ? {} : { noticeSpreadMinutes: opts.noticeSpreadMinutes }),
      ...(opts.noticeTime === undefined ? {} : { noticeTime: opts.noticeTime }),
    };
    const roundId = randomUUID();
    const launchedAt = await this.now();
    const closesAt = launchedAt + (opts.closesAfterDays ?? 60) * DAY_MS;
    await db.$transaction([
      db.round.create({
        data: { id: roundId, officeId: province.id, title: `督查 ${p}`, period: '2027-Q1', spec: spec as object, launchedAt: new Date(launchedAt), closesAt: new Date(closesAt), unitCount },
      }),
      db.roundUnit.createMany({ data: units.map((u) => ({ roundId, unitId: u.id })) }),
    ]);
    const unitCodes = units.map((u) => u.code);
    for (const code of unitCodes) this.workflowIds.add(unitWorkflowId(roundId, code));
    return { roundId, launchedAt, closesAt, unitCodes, templateCodes, offices: { province, city, county } };
  }

  /** Starts the round workflow as POST /rounds does. */
  async startRound(round: LaunchedRound): Promise<WorkflowHandle<typeof superviseRound>> {
    const workflowId = roundWorkflowId(round.roundId);
    this.workflowIds.add(workflowId);
    return this.client.workflow.start<typeof superviseRound>('superviseRound', {
      taskQueue: this.taskQueue,
      workflowId,
      args: [{ roundId: round.roundId, closesAt: new Date(round.closesAt).toISOString(), unitCount: round.unitCodes.length }],
    });
  }

  /** Starts one unit's workflow directly, as the round's fan-out activity would. */
  async startUnit(round: LaunchedRound, unitCode = round.unitCodes[0]): Promise<WorkflowHandle<typeof superviseUnit>> {
    const workflowId = unitWorkflowId(round.roundId, unitCode);
    this.workflowIds.add(workflowId);
    return this.client.workflow.start<typeof superviseUnit>('superviseUnit', { taskQueue: this.taskQueue, workflowId, args: [{ roundId: round.roundId, unitCode }] });
  }

  /**
   * Queues events as the activities do (enqueueNotifications: the outbox rows, a delivery per
   * webhook that wants each event, and a signal-with-start of each webhook's deliverWebhook on
   * this scenario's queue); cleanup() ends those workflows. Returns the deliveries queued.
   */
  async enqueue(events: NewNotification[]): Promise<number> {
    const queued = await enqueueNotifications(this.db, this.plainClient!, this.taskQueue, events);
    const webhooks = await this.db.notificationDelivery.findMany({ where: { notificationId: { in: events.map((e) => e.id) } }, select: { webhookId: true }, distinct: ['webhookId'] });
    for (const { webhookId } of webhooks) this.workflowIds.add(webhookWorkflowId(webhookId));
    return queued;
  }

  /** A workflow this scenario started some other way (a signal-with-start, an activity), for cleanup() to end. */
  track(workflowId: string): void {
    this.workflowIds.add(workflowId);
  }

  unitHandle(round: LaunchedRound, unitCode = round.unitCodes[0]): WorkflowHandle<typeof superviseUnit> {
    return this.client.workflow.getHandle(unitWorkflowId(round.roundId, unitCode));
  }

  /** A workflow's result, waited for in real time: move the clock first when the workflow needs it to finish. */
  async result<R>(handle: WorkflowHandle<(...args: any[]) => Promise<R>>): Promise<R> {
    return this.plainClient!.workflow.getHandle(handle.workflowId).result() as Promise<R>;
  }

  /** Waits until the unit's task list is issued; returns the plan in template order. */
  async issued(handle: WorkflowHandle<typeof superviseUnit>): Promise<PlannedTask[]> {
    return eventually(async () => {
      const state = await handle.query(getUnitStateQuery);
      if (!state.issued) throw new Error(`${handle.workflowId} has not issued its tasks yet`);
      return state.tasks;
    });
  }

  async task(taskId: string) {
    return this.db.task.findUniqueOrThrow({ where: { id: taskId } });
  }

  /** A task's escalation rows, earliest scheduled first. */
  async escalations(taskId: string) {
    return this.db.escalation.findMany({
      where: { taskId },
      include: { targetOffice: { select: { code: true } } },
      orderBy: [{ scheduledAt: 'asc' }, { cycle: 'asc' }],
    });
  }

  /** Stops the worker after terminating whatever this scenario left running, so no later skip wakes it. */
  async cleanup(): Promise<void> {
    for (const workflowId of this.workflowIds) {
      try {
        const handle = this.client.workflow.getHandle(workflowId);
        const { status } = await handle.describe();
        if (status.name === 'RUNNING') await handle.terminate('test finished');
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }
}

/**
 * The hooks every workflow test file needs: one harness per file, and each test's scenario
 * cleaned up after the test, whether it passed or not.
 */
export function useWorkflowHarness(): Pick<WorkflowHarness, 'scenario'> {
  let harness: WorkflowHarness | undefined;
  const live: Scenario[] = [];
  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterEach(async () => {
    for (const s of live.splice(0)) await s.cleanup();
  });
  afterAll(async () => {
    await harness?.teardown();
  });
  return {
    async scenario(startIso: string, opts?: ScenarioOptions) {
      const s = await harness!.scenario(startIso, opts);
      live.push(s);
      return s;
    },
  };
}
