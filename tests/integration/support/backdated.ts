import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { EscalationPolicyInput, RubricInput } from '../../../domain/schemas/rounds';
import { shanghaiDate } from '../../../domain/time';
import type { RoundSpec } from '../../../store/roundSpec';
import { roundWorkflowId } from '../../../workflows/contracts';
import type { superviseRound } from '../../../workflows/superviseRound';
import { sql } from './db';
import { stack } from './stack';

const DAY_MS = 86_400_000;

export interface BackdatedRound {
  officeCode: string;
  unitCodes: string[];
  templateCodes: string[];
  /** Days before now the round counts as launched: ladder steps after that instant are planned. */
  launchedDaysAgo: number;
  /** Days before now (Asia/Shanghai) every task was due. */
  dueDaysAgo: number;
  /** Validated as POST /rounds validates it; the API's default when absent. */
  escalationPolicy?: unknown;
  /** Milliseconds from now until the round closes (default two days). */
  closesInMs?: number;
}

/**
 * Records a round exactly as POST /rounds does (store/launch.ts), but launched days ago with
 * its tasks due in the past, and starts its workflow on the worker under test. The API refuses
 * a past due date, and real time cannot be skipped here: this is how a test gets ladder steps
 * whose instants have already come. The real worker issues the lists and fires those steps at
 * once, writing every escalation record itself.
 */
export async function launchBackdatedRound(opts: BackdatedRound): Promise<string> {
  const now = Date.now();
  const dueDate = shanghaiDate(now - opts.dueDaysAgo * DAY_MS);
  const spec: RoundSpec = {
    tasks: opts.templateCodes.map((templateCode) => ({ templateCode, dueDate })),
    escalationPolicy: EscalationPolicyInput.parse(opts.escalationPolicy ?? {}),
    rubric: RubricInput.parse({}),
  };
  const id = randomUUID();
  const closesAt = new Date(now + (opts.closesInMs ?? 2 * DAY_MS));
  const launchedAt = new Date(now - opts.launchedDaysAgo * DAY_MS);
  await sql(
    `INSERT INTO rounds (id, office_id, title, period, spec, launched_at, closes_at, unit_count)
     SELECT $1, id, '2026年第四季度逾期任务督查', '2026Q4', $2, $3, $4, $5 FROM offices WHERE code = $6`,
    [id, JSON.stringify(spec), launchedAt, closesAt, opts.unitCodes.length, opts.officeCode],
  );
  await sql('INSERT INTO round_units (round_id, unit_id) SELECT $1, id FROM units WHERE code = ANY($2)', [id, opts.unitCodes]);

  const connection = await Connection.connect({ address: stack().env.TEMPORAL_ADDRESS });
  try {
    await new Client({ connection }).workflow.start<typeof superviseRound>('superviseRound', {
      taskQueue: stack().taskQueue,
      workflowId: roundWorkflowId(id),
      args: [{ roundId: id, closesAt: closesAt.toISOString(), unitCount: opts.unitCodes.length }],
    });
  } finally {
    await connection.close();
  }
  return id;
}
