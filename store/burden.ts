import { Prisma } from '../generated/prisma/client';
import { sqlPathUnder } from '../access/visibility';
import type { Db } from '../src/db';

/** 减轻基层负担: what the rounds asked of one unit. */
export interface Burden {
  tasks: number;
  questionnaires: number;
  notices: number;
  /** Evidence items naming a file: first used here (uploaded), or named by an earlier submission (reused, reported once). */
  evidence: { uploaded: number; reused: number };
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
 * the notices of those rounds that concern it, i.e. rows of `notifications` with its
 * unit_id (any kind) or addressed to one of its observers, each counted once; and the evidence
 * items of its submissions in those rounds that name a file, split into the file's first use
 * (an upload: in the total) and uses of a file an earlier submission, of any round, already
 * named (reported once: not in the total). Earlier means by submission time, then id and position.
 */
async function burdenOf(db: Db, rounds: Prisma.Sql, officePath: string): Promise<UnitBurden[]> {
  const rows = await db.$queryRaw<Array<Omit<UnitBurden, 'evidence'> & { evidenceUploaded: number; evidenceReused: number }>>`
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
    ),
    su AS (
      SELECT ru.unit_id, eu.file_id, eu.submission_id, eu.position FROM evidence_uses eu
      JOIN submissions s ON s.id = eu.submission_id
      JOIN tasks t ON t.id = s.task_id
      JOIN ru ON ru.round_id = t.round_id AND ru.unit_id = t.unit_id
    ),
    firsts AS (
      SELECT DISTINCT ON (eu.file_id) eu.file_id, eu.submission_id, eu.position FROM evidence_uses eu
      JOIN submissions s ON s.id = eu.submission_id
      WHERE eu.file_id IN (SELECT file_id FROM su)
      ORDER BY eu.file_id, s.submitted_at, s.id, eu.position
    ),
    ev AS (
      SELECT su.unit_id, count(f.file_id)::int AS uploaded, (count(*) - count(f.file_id))::int AS reused FROM su
      LEFT JOIN firsts f ON f.file_id = su.file_id AND f.submission_id = su.submission_id AND f.position = su.position
      GROUP BY su.unit_id
    )
    SELECT u.id::text AS "unitId", u.code AS "unitCode", u.name AS "unitName", o.code AS "officeCode", k.n AS rounds,
      COALESCE(t.n, 0) AS tasks, COALESCE(q.n, 0) AS questionnaires, COALESCE(nt.n, 0) AS notices,
      COALESCE(ev.uploaded, 0) AS "evidenceUploaded", COALESCE(ev.reused, 0) AS "evidenceReused",
      (COALESCE(t.n, 0) + COALESCE(q.n, 0) + COALESCE(nt.n, 0) + COALESCE(ev.uploaded, 0))::int AS total
    FROM k
    JOIN units u ON u.id = k.unit_id
    JOIN offices o ON o.id = u.office_id
    LEFT JOIN t ON t.unit_id = k.unit_id
    LEFT JOIN q ON q.unit_id = k.unit_id
    LEFT JOIN nt ON nt.unit_id = k.unit_id
    LEFT JOIN ev ON ev.unit_id = k.unit_id
    ORDER BY total DESC, u.code`;
  return rows.map(({ evidenceUploaded, evidenceReused, ...r }) => ({ ...r, evidence: { uploaded: evidenceUploaded, reused: evidenceReused } }));
}

/** Every unit under `officePath` that took part in a round of `period`, the most burdened first. */
export function burdenForPeriod(db: Db, period: string, officePath: string): Promise<UnitBurden[]> {
  return burdenOf(db, Prisma.sql`period = ${period}`, officePath);
}

/** One round's burden on each of its units under `officePath`, by unit id. */
export async function burdenForRound(db: Db, roundId: string, officePath: string): Promise<Map<string, Burden>> {
  const rows = await burdenOf(db, Prisma.sql`id = ${roundId}::uuid`, officePath);
  return new Map(rows.map((r) => [r.unitId, { tasks: r.tasks, questionnaires: r.questionnaires, notices: r.notices, evidence: r.evidence }]));
}
