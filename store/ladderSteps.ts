import type { EscalationLevel, TaskStatus } from '../domain/vocabulary';
import type { Db } from '../src/db';

/**
 * A unit's ladder steps whose instant has come, recorded in one statement. When a round's tasks share
 * a due date, every unit of the round reaches this at the same instant (a 09:00 reminder, a deadline),
 * so its cost is what a deadline storm costs per unit. Written with Prisma it was nine round trips
 * (the unit, its tasks, the overdue turn, the target offices, the escalations, the raised levels, the
 * notifications, the target office and its webhooks); here it is one statement and one implicit
 * transaction.
 *
 * Table and column names follow `prisma/schema.prisma` (`@map`/`@@map`); the schema-drift test holds
 * the migrations to that schema, and the escalation-ladder, webhook and fired-steps tests run it.
 */

export interface FiredStep {
  taskId: string;
  cycle: number;
  /** Null for the deadline of a ladder with no step of its own there: the task only turns overdue. */
  level: EscalationLevel | null;
  at: number;
  /** Which office the step's escalation goes to: the unit's own office, its parent, or the tree's root. */
  target: 'own' | 'parent' | 'root';
}

export interface FiredStepsRecord {
  /** False when no unit has the code: nothing was written. */
  unitFound: boolean;
  /** The status after the statement of every task that had a live step (its task open, on the step's cycle). */
  statuses: Record<string, TaskStatus>;
  /** Webhooks given a delivery of one of the steps' notices. */
  webhookIds: string[];
}

/**
 * Acts on `steps` of one unit in `roundId` at `now`. Only a step whose task is open and still on the step's
 * ladder cycle counts: a step at or past its task's deadline turns an issued or returned task overdue; a step
 * with a level records the escalation for its target office, raises the task's level (never lowers it) and
 * queues the notice `escalation:<taskId>:<level>:<cycle>`, with a delivery to every active webhook of the target
 * office, or of an office above it that asked for its subtree, that wants the notice's kind. Every insert is keyed,
 * so the statement can run again with the same steps and write nothing more.
 */
export async function recordFiredSteps(db: Db, input: { roundId: string; unitCode: string; now: number; steps: FiredStep[] }): Promise<FiredStepsRecord> {
  const { steps } = input;
  // Each step's instant as the notice's payload gives it; the same text read as timestamptz is the instant itself.
  const instants = steps.map((s) => new Date(s.at).toISOString());
  const [row] = await db.$queryRaw<Array<{ unit_found: boolean; statuses: Record<string, TaskStatus> | null; webhook_ids: string[] | null }>>`
    WITH unit AS (
      SELECT u.id, u.code, u.name, string_to_array(btrim(o.path, '/'), '/') AS codes
      FROM units u JOIN offices o ON o.id = u.office_id
      WHERE u.code = ${input.unitCode}
    ),
    targets AS (
      SELECT k.target, o.id
      FROM unit, LATERAL (VALUES ('own', codes[cardinality(codes)]), ('parent', codes[greatest(1, cardinality(codes) - 1)]), ('root', codes[1])) AS k(target, code)
      JOIN offices o ON o.code = k.code
    ),
    live AS (
      SELECT s.task_id, s.cycle, s.level, s.at, s.scheduled, s.target, t.code, t.title, t.due_date, t.due_at, t.status
      FROM unnest(${steps.map((s) => s.taskId)}::uuid[], ${steps.map((s) => s.cycle)}::int[], ${steps.map((s) => s.level)}::"EscalationLevel"[],
                  ${instants}::timestamptz[], ${instants}::text[], ${steps.map((s) => s.target)}::text[]) AS s(task_id, cycle, level, at, scheduled, target)
      JOIN tasks t ON t.id = s.task_id
      WHERE EXISTS (SELECT 1 FROM unit) AND t.ladder_cycle = s.cycle AND t.status IN ('issued', 'returned', 'overdue')
    ),
    changes AS (
      SELECT task_id, bool_or(at >= due_at) AS due, max(level) AS level FROM live GROUP BY task_id
    ),
    updated AS (
      UPDATE tasks t SET
        status = CASE WHEN c.due AND t.status IN ('issued', 'returned') THEN 'overdue'::"TaskStatus" ELSE t.status END,
        escalation_level = CASE WHEN c.level > t.escalation_level OR t.escalation_level IS NULL THEN coalesce(c.level, t.escalation_level) ELSE t.escalation_level END,
        updated_at = now()
      FROM changes c
      WHERE t.id = c.task_id
        AND ((c.due AND t.status IN ('issued', 'returned')) OR c.level > t.escalation_level OR (t.escalation_level IS NULL AND c.level IS NOT NULL))
      RETURNING t.id, t.status
    ),
    stepped AS (
      SELECT l.*, tg.id AS office_id FROM live l JOIN targets tg ON tg.target = l.target WHERE l.level IS NOT NULL
    ),
    escalated AS (
      INSERT INTO escalations (id, round_id, task_id, unit_id, level, cycle, target_office_id, scheduled_at, fired_at)
      SELECT gen_random_uuid(), ${input.roundId}::uuid, s.task_id, unit.id, s.level, s.cycle, s.office_id, s.at, ${new Date(input.now)}::timestamptz
      FROM stepped s, unit
      ON CONFLICT (task_id, level, cycle) DO NOTHING
    ),
    notices AS (
      SELECT 'escalation:' || s.task_id || ':' || s.level || ':' || s.cycle AS id, 'escalation.' || s.level AS kind, s.office_id,
        jsonb_build_object('roundId', ${input.roundId}::text, 'unitCode', unit.code, 'unitName', unit.name, 'taskId', s.task_id, 'taskCode', s.code,
          'taskTitle', s.title, 'level', s.level, 'dueDate', s.due_date,
          'scheduledAt', s.scheduled) AS payload
      FROM stepped s, unit
    ),
    noticed AS (
      INSERT INTO notifications (id, kind, office_id, unit_id, round_id, payload)
      SELECT n.id, n.kind, n.office_id, unit.id, ${input.roundId}::uuid, n.payload FROM notices n, unit
      ON CONFLICT (id) DO NOTHING
    ),
    hooks AS (
      SELECT n.id AS notification_id, w.id AS webhook_id
      FROM notices n
      JOIN offices target ON target.id = n.office_id
      JOIN webhooks w ON w.active AND (cardinality(w.kinds) = 0 OR n.kind = ANY (w.kinds))
        AND (w.office_id = n.office_id
          OR (w.include_subtree AND w.office_id IN (SELECT o.id FROM offices o WHERE o.code = ANY (string_to_array(btrim(target.path, '/'), '/')))))
    ),
    delivered AS (
      INSERT INTO notification_deliveries (notification_id, webhook_id)
      SELECT notification_id, webhook_id FROM hooks
      ON CONFLICT DO NOTHING
    )
    SELECT EXISTS (SELECT 1 FROM unit) AS unit_found,
      (SELECT jsonb_object_agg(l.task_id, coalesce(u.status, l.status)) FROM (SELECT DISTINCT task_id, status FROM live) l LEFT JOIN updated u ON u.id = l.task_id) AS statuses,
      (SELECT array_agg(DISTINCT webhook_id::text) FROM hooks) AS webhook_ids`;
  return { unitFound: row.unit_found, statuses: row.statuses ?? {}, webhookIds: row.webhook_ids ?? [] };
}
