import type { Db } from '../src/db';
import { computeAndStoreEvaluation } from './evaluation';
import { submissionFiles } from './files';

/**
 * A review changed after its round closed: the unit's workflow has finished, so the
 * record is corrected here, audited with the files the submission names, and the evaluation
 * gets a new version.
 */
export async function correctReview(
  db: Db,
  input: { submissionId: string; taskId: string; decision: 'accept' | 'return'; score?: number; comment?: string; reason: string; actor: string; reviewer: string; minResponses: number },
): Promise<{ version: number; taskStatus: 'accepted' | 'returned' }> {
  const before = await db.task.findUniqueOrThrow({ where: { id: input.taskId }, select: { status: true, reviewScore: true, roundId: true } });
  const accept = input.decision === 'accept';
  // The files behind the corrected task, named as an acceptance names them.
  const files = await submissionFiles(db, input.submissionId);
  const now = new Date();
  await db.$transaction([
    db.submission.update({
      where: { id: input.submissionId },
      data: { status: accept ? 'accepted' : 'returned', reviewScore: accept ? input.score : null, reviewComment: input.comment, reviewedAt: now, reviewerOffice: input.reviewer, reviewedBy: input.actor },
    }),
    db.task.update({ where: { id: input.taskId }, data: accept ? { status: 'accepted', acceptedAt: now, reviewScore: input.score } : { status: 'returned', acceptedAt: null, reviewScore: null } }),
    db.auditEntry.create({
      data: { actor: input.actor, action: 'review.correct', subject: `submission:${input.submissionId}`, detail: { reason: input.reason, before, after: { decision: input.decision, score: input.score ?? null }, files } },
    }),
  ]);
  const { version } = await computeAndStoreEvaluation(db, before.roundId, { actor: input.actor, reason: input.reason, onlyIfNone: false, minResponses: input.minResponses });
  return { version, taskStatus: accept ? 'accepted' : 'returned' };
}
