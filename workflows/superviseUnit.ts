import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { OPEN_TASK_STATUSES } from '../domain/vocabulary';
import {
  ErrorType,
  UNIT_WORKFLOW_TASK_TIMEOUT,
  addTaskUpdate,
  calendarPublishedSignal,
  closeUnitSignal,
  extendTaskUpdate,
  firstStepAt,
  getUnitStateQuery,
  reviewSubmissionUpdate,
  submitTaskUpdate,
  waiveTaskUpdate,
  type PlannedTask,
  type SubmitTaskInput,
  type SuperviseUnitInput,
  type UnitOutcome,
} from './contracts';

// Each activity is a few queries; a short timeout means one lost with a crashed worker is retried soon.
const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Issuing runs in the worker that holds the workflow task: no activity task events and no second workflow
// task per unit, which halves what the Temporal server persists while a round fans out (bench/RESULTS.md).
const local = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const fail = (type: ErrorType, message: string, details?: unknown) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? undefined : [details] });

const REFUSALS: readonly string[] = Object.values(ErrorType);

/** A pending timer for one instant; `rang` once it has fired. */
interface Alarm {
  at: number;
  rang: boolean;
  /** Cancels the timer; resolves once its cancellation is a command, so later commands follow it as they did. */
  cancel(): Promise<void>;
}

function startAlarm(at: number): Alarm {
  const scope = new CancellationScope();
  const alarm: Alarm = {
    at,
    rang: false,
    cancel: () => {
      scope.cancel();
      return settled;
    },
  };
  const settled = scope.run(() => sleep(at - Date.now())).then(
    () => void (alarm.rang = true),
    (err: unknown) => {
      if (!isCancellation(err)) throw err;
    },
  );
  return alarm;
}

/**
 * An activity's typed refusal (the round was cancelled or closed before this unit heard of it, a
 * due date already past) fails the update with that type, so the caller gets its HTTP answer.
 */
function asRefusal(err: unknown): unknown {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && REFUSALS.includes(err.cause.type ?? '')) {
    return fail(err.cause.type as ErrorType, err.cause.message, err.cause.details?.[0]);
  }
  return err;
}

/**
 * One supervised unit in one round: starts from the task list its round issued (or issues its own, if
 * started without one), holds every task's deadline and escalation ladder, and is the only writer of
 * its tasks' state. It keeps a single pending timer, for the earliest instant any task plans to act at.
 */
export async function superviseUnit(input: SuperviseUnitInput): Promise<{ outcome: UnitOutcome; tasks: number }> {
  const { roundId, unitCode } = input;
  let tasks: PlannedTask[] = input.carried?.tasks ?? [];
  let issued = input.carried !== undefined;
  let outcome: UnitOutcome | null = input.carried?.outcome ?? null;
  let planChanged = false;
  let calendarPublished = false;
  let busy = false;

  /** Serialises writes so a submission, a review and a firing ladder step never interleave. */
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  function taskOrFail(taskId: string): PlannedTask {
    const task = tasks.find((t) => t.taskId === taskId);
    if (!task) throw fail(ErrorType.TaskNotFound, `task ${taskId} is not in this unit's list`);
    return task;
  }

  /** Checks that can be made before the update enters history; repeated inside the lock. */
  function checkWritable(taskId: string): PlannedTask | undefined {
    if (outcome !== null) throw fail(ErrorType.UnitClosed, `the round is ${outcome}`);
    return issued ? taskOrFail(taskId) : undefined;
  }

  function checkSubmittable(task: PlannedTask, evidenceKinds: string[]) {
    if (!OPEN_TASK_STATUSES.includes(task.status)) throw fail(ErrorType.TaskState, `task is ${task.status} and cannot take a submission`, { status: task.status });
    const missing = task.evidenceRequired.filter((k) => !evidenceKinds.includes(k));
    if (missing.length > 0) throw fail(ErrorType.EvidenceMissing, `missing required evidence: ${missing.join(', ')}`, { missing });
  }

  function checkReviewable(task: PlannedTask, submissionId: string) {
    if (task.status !== 'submitted') throw fail(ErrorType.TaskState, `task is ${task.status}, not awaiting review`, { status: task.status });
    if (task.pendingSubmissionId !== submissionId) throw fail(ErrorType.SubmissionMismatch, 'a later submission supersedes this one');
  }

  function checkChangeable(task: PlannedTask) {
    if (task.status === 'accepted' || task.status === 'waived') throw fail(ErrorType.TaskState, `task is already ${task.status}`, { status: task.status });
  }

  /**
   * The activities a write records itself with. Units whose first write came after writes became local
   * activities run them beside the workflow task (one workflow task per write instead of two plus an
   * activity task); histories from before replay the regular activities they recorded.
   */
  function writer() {
    return patched('writes-as-local-activity') ? local : acts;
  }

  /** Runs a write once the task list exists and no other write is in flight, re-checking state inside. */
  async function write<T>(taskId: string, check: (task: PlannedTask) => void, apply: (task: PlannedTask) => Promise<T>): Promise<T> {
    await condition(() => issued || outcome !== null);
    return exclusive(async () => {
      const task = checkWritable(taskId) as PlannedTask;
      check(task);
      const result = await apply(task).catch((err: unknown) => {
        throw asRefusal(err);
      });
      planChanged = true;
      return result;
    });
  }

  setHandler(getUnitStateQuery, () => ({ issued, outcome, tasks }));
  setHandler(closeUnitSignal, ({ outcome: o }) => {
    outcome ??= o;
  });
  setHandler(calendarPublishedSignal, () => {
    calendarPublished = true;
  });

  setHandler(
    submitTaskUpdate,
    (req) =>
      write(req.taskId, (t) => checkSubmittable(t, req.evidence.map((e) => e.kind)), async (task) => {
        const { submissionId } = await writer().recordSubmission({ ...req, roundId, unitCode, at: Date.now() });
        Object.assign(task, { status: 'submitted', steps: [], pendingSubmissionId: submissionId });
        return { submissionId, taskStatus: task.status };
      }),
    {
      validator: (req: SubmitTaskInput) => {
        const task = checkWritable(req.taskId);
        if (task) checkSubmittable(task, req.evidence.map((e) => e.kind));
      },
    },
  );

  setHandler(
    reviewSubmissionUpdate,
    (req) =>
      write(req.taskId, (t) => checkReviewable(t, req.submissionId), async (task) => {
        const result = await writer().recordReview({ ...req, roundId, unitCode, at: Date.now() });
        Object.assign(task, result.plan ?? {}, { status: result.taskStatus, pendingSubmissionId: null });
        return { taskId: task.taskId, taskStatus: task.status, dueAt: task.dueAt };
      }),
    {
      validator: (req) => {
        const task = checkWritable(req.taskId);
        if (task) checkReviewable(task, req.submissionId);
      },
    },
  );

  setHandler(
    extendTaskUpdate,
    (req) =>
      write(req.taskId, checkChangeable, async (task) => {
        const result = await writer().extendTask({ ...req, roundId, unitCode, at: Date.now() });
        Object.assign(task, result);
        return { taskId: task.taskId, taskStatus: task.status, dueAt: task.dueAt };
      }),
    {
      validator: (req) => {
        const task = checkWritable(req.taskId);
        if (task) checkChangeable(task);
      },
    },
  );

  setHandler(
    waiveTaskUpdate,
    (req) =>
      write(req.taskId, checkChangeable, async (task) => {
        await writer().waiveTask({ ...req, roundId, unitCode, at: Date.now() });
        Object.assign(task, { status: 'waived', steps: [], pendingSubmissionId: null });
        return { taskId: task.taskId, taskStatus: task.status, dueAt: task.dueAt };
      }),
    {
      validator: (req) => {
        const task = checkWritable(req.taskId);
        if (task) checkChangeable(task);
      },
    },
  );

  function checkAddable(templateCode: string) {
    if (outcome !== null) throw fail(ErrorType.UnitClosed, `the round is ${outcome}`);
    if (tasks.some((t) => t.code === templateCode)) throw fail(ErrorType.AlreadyExists, `task ${templateCode} is already in this unit's list`);
  }

  setHandler(
    addTaskUpdate,
    async (req) => {
      await condition(() => issued || outcome !== null);
      return exclusive(async () => {
        checkAddable(req.templateCode);
        // Histories from before tasks could be added never hold this update; the marker dates the ones that do.
        patched('add-task-update');
        const task = await acts.addTask({ ...req, roundId, unitCode, at: Date.now() });
        tasks.push(task);
        planChanged = true;
        return { taskId: task.taskId, taskStatus: task.status, dueAt: task.dueAt };
      });
    },
    { validator: (req) => checkAddable(req.templateCode) },
  );

  if (!issued) {
    // Units started before issuing became a local activity replay the activity they recorded.
    const issue = patched('issue-as-local-activity') ? local.issueTaskList : acts.issueTaskList;
    tasks = (await issue({ roundId, unitCode })).tasks;
    issued = true;
  }

  // The one pending timer, and whether a wake-up other than its own keeps it (decided at the first such wake-up).
  let alarm: Alarm | undefined;
  let keepAlarm: boolean | undefined;

  while (outcome === null) {
    const next = firstStepAt(tasks);
    const wakeUp = () => outcome !== null || planChanged || calendarPublished;
    if (!Number.isFinite(next)) {
      await alarm?.cancel();
      alarm = undefined;
      await condition(wakeUp);
    } else if (next > Date.now()) {
      if (alarm?.at !== next) {
        await alarm?.cancel();
        alarm = startAlarm(next);
      }
      const pending = alarm;
      await condition(() => wakeUp() || pending.rang);
      if (pending.rang) alarm = undefined;
      // A write that leaves the earliest instant where it was keeps its timer: no timer cancelled and started
      // again for every submission. Histories from before cancelled it at every wake-up, and replay that.
      else if (!(keepAlarm ??= patched('one-timer-across-writes'))) {
        await pending.cancel();
        alarm = undefined;
      }
    }
    planChanged = false;
    if (outcome !== null) break;
    if (calendarPublished && patched('replan-on-published-calendar')) {
      calendarPublished = false;
      // Instants planned on a provisional calendar move to the published one; steps already fired stay fired.
      await exclusive(async () => {
        const { plans } = await acts.replanProvisionalTasks({ roundId, unitCode, at: Date.now() });
        for (const t of tasks) if (plans[t.taskId] && OPEN_TASK_STATUSES.includes(t.status)) Object.assign(t, plans[t.taskId]);
      });
    }
    await exclusive(async () => {
      const now = Date.now();
      const due = tasks.flatMap((t) => t.steps.filter((s) => s.at <= now).map((s) => ({ taskId: t.taskId, cycle: t.cycle, level: s.level, at: s.at })));
      if (due.length === 0) return;
      // A batch of steps is a few statements: run it beside the workflow task, as issuing is.
      const fire = patched('fire-steps-as-local-activity') ? local.fireSteps : acts.fireSteps;
      const fired = await fire({ roundId, unitCode, items: due, now });
      for (const t of tasks) {
        t.steps = t.steps.filter((s) => s.at > now);
        const status = fired.statuses[t.taskId];
        if (status) t.status = status;
      }
    });
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // The next run keeps the workflow-task timeout the unit was started with.
      await makeContinueAsNewFunc<typeof superviseUnit>({ workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT })({ roundId, unitCode, carried: { tasks, outcome } });
    }
  }

  await alarm?.cancel();
  await condition(allHandlersFinished);
  await acts.finishUnit({ roundId, unitCode, outcome });
  return { outcome, tasks: tasks.length };
}
