import { submissionWhere, visibleRound, visibleUnit, type Viewer } from '../access/visibility';
import type { Db } from '../src/db';

/** Every submission of one unit in a round, newest first, with its evidence and review: the board's drill-down. */
export async function unitSubmissions(db: Db, viewer: Viewer, roundId: string, query: { unitCode: string; limit: number; offset: number }) {
  const round = await visibleRound(db, viewer, roundId);
  const unit = await visibleUnit(db, viewer, query.unitCode);
  const rows = await db.submission.findMany({
    where: { AND: [submissionWhere(viewer), { task: { roundId: round.id, unitId: unit.id } }] },
    include: { task: { select: { id: true, code: true, title: true } } },
    orderBy: [{ submittedAt: 'desc' }, { id: 'asc' }],
    take: query.limit,
    skip: query.offset,
  });
  return rows.map((s) => ({
    id: s.id, taskId: s.task.id, taskCode: s.task.code, taskTitle: s.task.title, summary: s.summary, evidence: s.evidence as Array<Record<string, string>>,
    status: s.status, submittedAt: s.submittedAt.toISOString(), reviewScore: s.reviewScore, reviewComment: s.reviewComment, reviewedAt: s.reviewedAt?.toISOString() ?? null,
  }));
}
