import { Prisma } from '../generated/prisma/client';
import { sqlPathUnder } from '../access/visibility';
import type { Db } from '../src/db';

export interface AuditRow {
  id: string;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
  createdAt: Date;
  roundId: string;
  unitCode: string;
  taskCode: string;
}

/**
 * Audit entries about tasks (`task:<id>`) and submissions (`submission:<id>`) whose unit lies
 * under `officePath`, optionally of one round and/or one subject, oldest first. Subjects are
 * built from the visible tasks and joined to audit_log, so its subject index does the work
 * and an entry about a unit outside the subtree can never match.
 */
export async function auditEntries(
  db: Db,
  input: { officePath: string; roundId?: string; subject?: string; limit: number; offset: number },
): Promise<AuditRow[]> {
  const { officePath, roundId } = input;
  const subject = input.subject?.toLowerCase();
  const [kind, id] = subject ? subject.split(':') : [];
  const taskFilter = [
    sqlPathUnder(officePath),
    ...(roundId ? [Prisma.sql`t.round_id = ${roundId}::uuid`] : []),
    ...(kind === 'task' ? [Prisma.sql`t.id = ${id}::uuid`] : []),
    ...(kind === 'submission' ? [Prisma.sql`t.id = (SELECT task_id FROM submissions WHERE id = ${id}::uuid)`] : []),
  ];
  return db.$queryRaw<AuditRow[]>`
    WITH vt AS (
      SELECT t.id, t.round_id, t.code, u.code AS unit_code FROM tasks t
      JOIN units u ON u.id = t.unit_id
      JOIN offices o ON o.id = u.office_id
      WHERE ${Prisma.join(taskFilter, ' AND ')}
    ),
    subjects AS (
      SELECT 'task:' || vt.id::text AS subject, vt.round_id, vt.code, vt.unit_code FROM vt
      UNION ALL
      SELECT 'submission:' || s.id::text, vt.round_id, vt.code, vt.unit_code FROM submissions s JOIN vt ON vt.id = s.task_id
    )
    SELECT a.id::text AS id, a.actor, a.action, a.subject, a.detail, a.created_at AS "createdAt",
      sj.round_id::text AS "roundId", sj.unit_code AS "unitCode", sj.code AS "taskCode"
    FROM audit_log a
    JOIN subjects sj ON sj.subject = a.subject
    ${subject ? Prisma.sql`WHERE a.subject = ${subject}` : Prisma.empty}
    ORDER BY a.created_at, a.id
    LIMIT ${input.limit} OFFSET ${input.offset}`;
}
