import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { RoundStatus } from '../domain/vocabulary';
import { computeAndStoreEvaluation } from '../store/evaluation';
import { enqueueNotifications } from '../store/notifications';
import { closeUnitSignal, UNIT_WORKFLOW_TASK_TIMEOUT, unitWorkflowId, type UnitOutcome } from '../workflows/contracts';
import type { superviseUnit } from '../workflows/superviseUnit';
import type { ActivityDeps } from './deps';
import { createIssuer } from './issuing';

/** Temporal calls in flight at once from one fan-out activity. */
const CONCURRENCY = 16;

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
  const { db, client, taskQueue, minResponses, eagerStart = false } = deps;
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
     * starts no unit twice.
     */
    async startUnitWorkflows({ roundId, batch, batchSize, listsWritten = false }: { roundId: string; batch: number; batchSize: number; listsWritten?: boolean }): Promise<number> {
      const units = await batchUnits(roundId, batch, batchSize);
      const lists = await issueUnits(roundId, units, { written: listsWritten });
      let eagerlyStarted = 0;
      await eachLimited(units, async ({ code: unitCode }) => {
        try {
          const handle = await client.workflow.start<typeof superviseUnit>('superviseUnit', {
            taskQueue,
            workflowId: unitWorkflowId(roundId, unitCode),
            args: [{ roundId, unitCode, carried: { tasks: lists.get(unitCode)!, outcome: null } }],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            workflowTaskTimeout: UNIT_WORKFLOW_TASK_TIMEOUT,
            // The first workflow task comes back with the start response when this worker has a free slot.
            requestEagerStart: eagerStart,
          });
          if (handle.eagerlyStarted) eagerlyStarted++;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      });
      // Units not started eagerly wait for their first workflow task in the task queue (DUBAN_WORKER_WORKFLOW_TASK_SLOTS).
      deps.logger.debug({ roundId, batch, units: units.length, eagerlyStarted }, 'batch of units started');
      return units.length;
    },

    /** Tells every unit workflow of a batch that the round is over and waits until each has finished. */
    async closeUnitWorkflows({ roundId, batch, batchSize, outcome }: { roundId: string; batch: number; batchSize: number; outcome: UnitOutcome }): Promise<number> {
      const codes = await unitCodes(roundId, batch, batchSize);
      await eachLimited(codes, async (unitCode) => {
        const handle = client.workflow.getHandle(unitWorkflowId(roundId, unitCode));
        try {
          await handle.signal(closeUnitSignal, { outcome });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        await handle.result();
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
