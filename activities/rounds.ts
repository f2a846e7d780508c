import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RoundStatus } from '../domain/vocabulary';
import { computeAndStoreEvaluation } from '../store/evaluation';
import { enqueueNotifications } from '../store/notifications';
import { closeUnitSignal, firstStepAt, unitWorkflowId, type UnitOutcome } from '../workflows/contracts';
import type { superviseUnit } from '../workflows/superviseUnit';
import type { ActivityDeps } from './deps';
import { createIssuer } from './issuing';
import { signalUnitNow, unitWorkflowOptions } from './unitWorkflows';

/** Temporal calls in flight at once from one fan-out activity. */
const CONCURRENCY = 16;

/** The nearest first ladder step a unit's first workflow task is deferred to; a unit due to act sooner runs as it starts. */
export const DEFER_FIRST_TASK_FROM_MS = 60_000;

/**
 * How long a unit's first workflow task waits after its start: until its first step, or not at all. The Temporal
 * server counts the delay on its own clock, so `now` is the later of this machine's clock and the server's as it
 * scheduled the activity (plus the time since): a unit may run early on a skewed clock, then sets its timer as
 * before, but never runs after its first step.
 */
export function firstTaskDelay(firstStep: number, now: number): number {
  const delay = firstStep - now;
  return Number.isFinite(delay) && delay >= DEFER_FIRST_TASK_FROM_MS ? delay : 0;
}

async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      await fn(items[next++]);
      Context.current().heartbeat(next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
}

export function createRoundActivities(deps: ActivityDeps) {
  const { db, client, taskQueue, minResponses, eagerStart = false, deferFirstTask = false } = deps;
  const issueUnits = createIssuer(deps);

  async function batchUnits(roundId: string, batch: number, batchSize: number) {
    const rows = await db.roundUnit.findMany({
      where: { roundId },
      orderBy: { unitId: 'asc' },
      skip: batch * batchSize,
      take: batchSize,
      select: { unit: { select: { id: true, code: true } } },
    });
    return rows.map((r) => r.unit);
  }

  async function unitCodes(roundId: string, batch: number, batchSize: number) {
    return (await batchUnits(roundId, batch, batchSize)).map((u) => u.code);
  }

  return {
    /**
     * Writes the task lists of one batch of units in one statement and starts nothing: a round writes every
     * list first, so each unit sees its tasks within a minute of the launch, then starts the units.
     */
    async writeTaskLists({ roundId, batch, batchSize }: { roundId: string; batch: number; batchSize: number }): Promise<number> {
      const units = await batchUnits(roundId, batch, batchSize);
      Context.current().heartbeat(0);
      await issueUnits(roundId, units, { writeOnly: true });
      return units.length;
    },

    /**
     * Issues the task lists of one batch of units in one statement (or reads them, when `listsWritten`), then
     * starts each unit's workflow holding its list, so a unit's start is its only work at issue time: no per-unit
     * queries, no activity in its history. Rows and workflow ids are deterministic, so a retry writes no task and
     * starts no unit twice. With `deferFirstTask`, a unit's first workflow task runs at its first ladder step (or at
     * its first write), not as it starts: the start is then one write of the Temporal server's, and the workers run
     * nothing for a unit until it has something to do.
     */
    async startUnitWorkflows({ roundId, batch, batchSize, listsWritten = false }: { roundId: string; batch: number; batchSize: number; listsWritten?: boolean }): Promise<number> {
      const began = Date.now();
      const serverNow = () => Math.max(Date.now(), Context.current().info.currentAttemptScheduledTimestampMs + (Date.now() - began));
      const units = await batchUnits(roundId, batch, batchSize);
      const lists = await issueUnits(roundId, units, { written: listsWritten });
      let eagerlyStarted = 0;
      let deferred = 0;
      await eachLimited(units, async ({ code: unitCode }) => {
        const tasks = lists.get(unitCode)!;
        const delay = deferFirstTask ? firstTaskDelay(firstStepAt(tasks), serverNow()) : 0;
        if (delay > 0) deferred++;
        try {
          const handle = await client.workflow.start<typeof superviseUnit>('superviseUnit', {
            ...unitWorkflowOptions(taskQueue, roundId, unitCode),
            args: [{ roundId, unitCode, carried: { tasks, outcome: null } }],
            // Deferred, the first workflow task is scheduled by the server at the unit's first step; otherwise it
            // comes back with the start response when this worker has a free slot.
            ...(delay > 0 ? { startDelay: delay } : { requestEagerStart: eagerStart }),
          });
          if (handle.eagerlyStarted) eagerlyStarted++;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      });
      // Units not started eagerly wait for their first workflow task in the task queue (DUBAN_WORKER_WORKFLOW_TASK_SLOTS).
      deps.logger.debug({ roundId, batch, units: units.length, eagerlyStarted, deferred }, 'batch of units started');
      return units.length;
    },

    /**
     * Tells every unit workflow of a batch that the round is over and waits until each has finished. A unit still
     * waiting for its deferred first workflow task runs now, to hear it.
     */
    async closeUnitWorkflows({ roundId, batch, batchSize, outcome }: { roundId: string; batch: number; batchSize: number; outcome: UnitOutcome }): Promise<number> {
      const codes = await unitCodes(roundId, batch, batchSize);
      await eachLimited(codes, async (unitCode) => {
        await signalUnitNow(client, taskQueue, { roundId, unitCode }, closeUnitSignal, { outcome });
        await client.workflow.getHandle(unitWorkflowId(roundId, unitCode)).result();
      });
      return codes.length;
    },

    async setRoundStatus({ roundId, status, at }: { roundId: string; status: RoundStatus; at: number }): Promise<void> {
      const ends = status === 'closed' || status === 'cancelled';
      const round = await db.round.update({ where: { id: roundId }, data: { status, ...(ends ? { closedAt: new Date(at) } : {}) } });
      if (status === 'closed') {
        await enqueueNotifications(db, client, taskQueue, [{ id: `round.closed:${roundId}`, kind: 'round.closed', targetOfficeId: round.officeId, roundId, payload: { roundId, title: round.title, period: round.period } }]);
      }
    },

    async computeEvaluation({ roundId, actor }: { roundId: string; final: boolean; at: number; actor: string }): Promise<{ version: number }> {
      return computeAndStoreEvaluation(db, roundId, { actor, reason: null, onlyIfNone: true, minResponses });
    },
  };
}
