import { Prisma } from '../generated/prisma/client';
import { sqlPathUnder } from '../access/visibility';
import type { Db } from '../src/db';

/** 减轻基层负担: what the rounds asked of one unit. */
export interface Burden {
  tasks: number;
  questionnaires: number;
  notices: number;
}

export interface UnitBurden extends Burden {
  unitId: string;
  unitCode: string;
  unitName: string;
  officeCode: string;
  /** Rounds of the selection the unit took part in. */
  rounds: number;
  total: number;
}


/**
 * Counts, per unit of the subtree that took part in the selected rounds, in grouped queries:
 * its tasks; the questionnaire windows of those rounds (its observers are asked each one);
 * and the notices of those rounds that concern it, i.e. rows of `notifications` with its
 * unit_id (any kind) or addressed to one of its observers, each counted once.
 */
async function burdenOf(db: Db, rounds: Prisma.Sql, officePath: string): Promise<UnitBurden[]> {
  return db.$queryRaw<UnitBurden[]>`
    WITH r AS (SELECT id FROM rounds WHERE ${rounds}),
    ru AS (
      SELECT ru.round_id, ru.unit_id FROM round_units ru
      JOIN r ON r.id = ru.round_id
      JOIN units u ON u.id = ru.unit_id
      JOIN offices o ON o.id = u.office_id
      WHERE ${sqlPathUnder(officePath)}
    ),
    k AS (SELECT unit_id, count(*)::int AS n FROM ru GROUP BY unit_id),
    t AS (SELECT t.unit_id, count(*)::int AS n FROM tasks t JOIN ru ON ru.round_id = t.round_id AND ru.unit_id = t.unit_id GROUP BY t.unit_id),
    q AS (SELECT ru.unit_id, count(*)::int AS n FROM questionnaire_windows w JOIN ru ON ru.round_id = w.round_id GROUP BY ru.unit_id),
    nt AS (
      SELECT ru.unit_id, count(*)::int AS n FROM notifications n
      LEFT JOIN observers ob ON ob.id = n.observer_id
      JOIN ru ON ru.round_id = n.round_id AND ru.unit_id = COALESCE(n.unit_id, ob.unit_id)
      GROUP BY ru.unit_id
    )
    SELECT u.id::text AS "unitId", u.code AS "unitCode", u.name AS "unitName", o.code AS "officeCode", k.n AS rounds,
      COALESCE(t.n, 0) AS tasks, COALESCE(q.n, 0) AS questionnaires, COALESCE(nt.n, 0) AS notices,
      (COALESCE(t.n, 0) + COALESCE(q.n, 0) + COALESCE(nt.n, 0))::int AS total
    FROM k
    JOIN units u ON u.id = k.unit_id
    JOIN offices o ON o.id = u.office_id
    LEFT JOIN t ON t.unit_id = k.unit_id
    LEFT JOIN q ON q.unit_id = k.unit_id
    LEFT JOIN nt ON nt.unit_id = k.unit_id
    ORDER BY total DESC, u.code`;
}

/** Every unit under `officePath` that took part in a round of `period`, the most burdened first. */
export function burdenForPeriod(db: Db, period: string, officePath: string): Promise<UnitBurden[]> {
  return burdenOf(db, Prisma.sql`period = ${period}`, officePath);
}

/** One round's burden on each of its units under `officePath`, by unit id. */
export async function burdenForRound(db: Db, roundId: string, officePath: string): Promise<Map<string, Burden>> {
  const rows = await burdenOf(db, Prisma.sql`id = ${roundId}::uuid`, officePath);
  return new Map(rows.map((r) => [r.unitId, { tasks: r.tasks, questionnaires: r.questionnaires, notices: r.notices }]));
}
