// Messages, inputs and results of the supervision workflows. The API, the activities
// and the tests import from here; nothing here does I/O.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { ErrorCode, failureType } from '../domain/errors';
import type { EscalationLevel, EvidenceKind, TaskStatus } from '../domain/vocabulary';

export const roundWorkflowId = (roundId: string) => `round-${roundId}`;
export const unitWorkflowId = (roundId: string, unitCode: string) => `round-${roundId}-unit-${unitCode}`;

/**
 * How long a worker may hold one of a unit's workflow tasks, the timeout every unit workflow is started with.
 * When every unit of a round wakes at once (all started, or all due at the same instant), a worker holds up to
 * DUBAN_WORKER_WORKFLOW_TASK_SLOTS of their tasks while its local activities queue for the database: at the
 * server's default of 10 s a sixth to two thirds of 700 units had a task time out and run again on a slow day
 * (bench/RESULTS.md, "Workflow tasks held longer than 10 s"). Longer only delays the retry of a task whose
 * worker died while holding it; a unit's steps are hours or days apart.
 */
export const UNIT_WORKFLOW_TASK_TIMEOUT = '30 seconds';

/**
 * Failure types carried by ApplicationFailure.type: `ERR_` and a code of the one enum the API
 * answers with (domain/errors.ts), so a refusal reads the same in a workflow and over HTTP.
 */
export const ErrorType = {
  TaskNotFound: failureType(ErrorCode.TaskNotFound),
  TaskState: failureType(ErrorCode.TaskState),
  EvidenceMissing: failureType(ErrorCode.EvidenceMissing),
  UnitClosed: failureType(ErrorCode.UnitClosed),
  SubmissionMismatch: failureType(ErrorCode.SubmissionMismatch),
  InvalidDueDate: failureType(ErrorCode.InvalidDueDate),
  AlreadyExists: failureType(ErrorCode.AlreadyExists),
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** One instant a task's plan will act at. `level` null is the bare deadline of a policy with no step at offset 0. */
export interface PlannedStep {
  level: EscalationLevel | null;
  at: number;
}

export interface PlannedTask {
  taskId: string;
  code: string;
  status: TaskStatus;
  evidenceRequired: EvidenceKind[];
  dueAt: number;
  cycle: number;
  /** Steps still to fire, earliest first. */
  steps: PlannedStep[];
  pendingSubmissionId: string | null;
}

/** The earliest instant any of these tasks plans a ladder step at: when the unit next has something to do (Infinity: never). */
export function firstStepAt(tasks: readonly PlannedTask[]): number {
  return Math.min(...tasks.flatMap((t) => t.steps.map((s) => s.at)));
}

export type UnitOutcome = 'closed' | 'cancelled';

export interface SuperviseUnitInput {
  roundId: string;
  unitCode: string;
  /**
   * The state the run starts from: the task list its round issued (written before the unit starts), or the
   * state carried across continue-as-new. Absent, the unit issues its own list first (or reads it, when its
   * round wrote it already): so did units before rounds issued in batches, and so does a unit that a write
   * reached before its round started it (usecases/workflowErrors.ts).
   */
  carried?: { tasks: PlannedTask[]; outcome: UnitOutcome | null };
}

export interface SuperviseRoundInput {
  roundId: string;
  closesAt: string;
  unitCount: number;
}

export interface EvidenceRef {
  kind: EvidenceKind;
  title: string;
  uri?: string;
  /** An uploaded evidence file; its sha256 is then the file's. */
  fileId?: string;
  sha256?: string;
}

export interface SubmitTaskInput {
  taskId: string;
  idempotencyKey: string;
  summary: string;
  evidence: EvidenceRef[];
  /** Who submitted, as records name actors ("person:li.na", "unit:jx-001"); absent in histories from before it was recorded. */
  actor?: string;
}
export interface SubmitTaskResult {
  submissionId: string;
  taskStatus: TaskStatus;
}

export interface ReviewSubmissionInput {
  taskId: string;
  submissionId: string;
  decision: 'accept' | 'return';
  score?: number;
  comment?: string;
  reviewer: string;
  /** Who reviewed, as records name actors; absent in histories from before it was recorded. */
  actor?: string;
}
export interface TaskChangeResult {
  taskId: string;
  taskStatus: TaskStatus;
  dueAt: number;
}

export interface ExtendTaskInput {
  taskId: string;
  dueDate: string;
  reason: string;
  actor: string;
}

export interface WaiveTaskInput {
  taskId: string;
  reason: string;
  actor: string;
}

/** A task added to one unit's list while the round runs (一企一特色). */
export interface AddTaskInput {
  templateCode: string;
  dueDate?: string;
  actor: string;
}

export interface UnitStateView {
  issued: boolean;
  outcome: UnitOutcome | null;
  tasks: PlannedTask[];
}

export interface RoundProgress {
  phase: 'issuing' | 'open' | 'closing' | 'closed' | 'cancelled';
  batchesDone: number;
  batches: number;
}

export const submitTaskUpdate = defineUpdate<SubmitTaskResult, [SubmitTaskInput]>('submitTask');
export const reviewSubmissionUpdate = defineUpdate<TaskChangeResult, [ReviewSubmissionInput]>('reviewSubmission');
export const extendTaskUpdate = defineUpdate<TaskChangeResult, [ExtendTaskInput]>('extendTask');
export const waiveTaskUpdate = defineUpdate<TaskChangeResult, [WaiveTaskInput]>('waiveTask');
export const addTaskUpdate = defineUpdate<TaskChangeResult, [AddTaskInput]>('addTask');
export const closeUnitSignal = defineSignal<[{ outcome: UnitOutcome }]>('closeUnit');
export const getUnitStateQuery = defineQuery<UnitStateView>('getUnitState');

/** A year's statutory calendar was published: open tasks planned on a provisional calendar are planned again. */
export const calendarPublishedSignal = defineSignal<[{ year: number }]>('calendarPublished');
export const calendarReplanWorkflowId = (year: number, publishedAt: number) => `calendar-${year}-${publishedAt}`;

/** A task's plan after the calendar it was made on changed: its deadline and the steps still to come. */
export interface RecalendaredTask {
  dueAt: number;
  steps: PlannedStep[];
}

export const closeRoundSignal = defineSignal<[{ actor: string }]>('closeRound');
export const cancelRoundSignal = defineSignal<[{ actor: string; reason?: string }]>('cancelRound');
export const getRoundProgressQuery = defineQuery<RoundProgress>('getRoundProgress');

export const webhookWorkflowId = (webhookId: string) => `webhook-${webhookId}`;
export const notificationsQueuedSignal = defineSignal('notificationsQueued');

export const windowWorkflowId = (windowId: string) => `qwindow-${windowId}`;
export const closeWindowSignal = defineSignal('closeWindow');

export interface WindowPlan {
  opensAt: number;
  closesAt: number;
  /** Instants at which observers who have not answered are reminded. */
  reminders: number[];
}

export interface ProgrammeRunResult {
  roundId: string | null;
  period: string;
  skipped?: string;
}

export const sweepScheduleId = (taskQueue: string) => `sweep-unused-files-${taskQueue}`;

export interface SweepUnusedFilesInput {
  /** Files no submission names are kept this long after upload (or after a submission last named them). */
  unusedForHours: number;
}

export interface SweepUnusedFilesResult {
  files: number;
  blobs: number;
}
