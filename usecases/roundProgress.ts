import { sqlPathUnder, visibleRound, type Viewer } from '../access/visibility';
import { shanghaiDate } from '../domain/time';
import { Prisma, type Db } from '../src/db';

/** The longest run of days the series covers; a round longer than this shows its last days. */
const MAX_DAYS = 400;

/**
 * Completion over the round's life, for the caller's subtree: for each day from launch to today
 * (or the round's end), how many of its tasks had been submitted at least once and how many
 * accepted by the end of that day (Asia/Shanghai), out of the tasks issued in scope.
 */
export async function roundProgress(db: Db, viewer: Viewer, roundId: string, now = Date.now()) {
  const round = await visibleRound(db, viewer, roundId);
  const end = Math.min(now, (round.closedAt ?? round.closesAt).getTime());
  const from = shanghaiDate(Math.max(round.launchedAt.getTime(), end - (MAX_DAYS - 1) * 86_400_000));
  const to = shanghaiDate(Math.max(end, round.launchedAt.getTime()));
  // One pass over the scope's tasks: how many there are, and when each was first submitted and accepted.
  const rows = await db.$queryRaw<{ date: string; tasks: number; submitted: number; accepted: number }[]>(Prisma.sql`
    WITH scope AS (
      SELECT t.id FROM tasks t JOIN units u ON u.id = t.unit_id JOIN offices o ON o.id = u.office_id
      WHERE t.round_id = ${round.id}::uuid AND ${sqlPathUnder(viewer.office!.path, 'o')}
    ), firsts AS (
      SELECT s.task_id,
             (min(s.submitted_at) AT TIME ZONE 'Asia/Shanghai')::date AS submitted_on,
             (min(s.reviewed_at) FILTER (WHERE s.status = 'accepted') AT TIME ZONE 'Asia/Shanghai')::date AS accepted_on
      FROM submissions s JOIN scope ON scope.id = s.task_id
      GROUP BY s.task_id
    ), days AS (SELECT generate_series(${from}::date, ${to}::date, interval '1 day')::date AS day)
    SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
           (SELECT count(*) FROM scope)::int AS tasks,
           (SELECT count(*) FROM firsts f WHERE f.submitted_on <= d.day)::int AS submitted,
           (SELECT count(*) FROM firsts f WHERE f.accepted_on <= d.day)::int AS accepted
    FROM days d ORDER BY d.day`);
  const days = rows.map(({ date, submitted, accepted }) => ({ date, submitted, accepted }));
  return { roundId: round.id, tasks: rows[0]?.tasks ?? 0, days };
}
