// What recording a submission and a review writes, called as the unit workflow calls them (the
// activities, against the real PostgreSQL): a retry of a recorded submission, a round that is no
// longer open, and the audit of an accepted submission's files.
import { ApplicationFailure } from '@temporalio/common';
import { submissionFiles } from '../../store/files';
import { ErrorType } from '../../workflows/contracts';
import { useWorkflowHarness, type Scenario } from './support/harness';

const h = useWorkflowHarness();

/** A round of one unit with `tasks` issued tasks, and the task activities on its database. */
async function issuedRound(s: Scenario, tasks: number) {
  const round = await s.seedRound({ tasks: Array.from({ length: tasks }, () => ({ dueDate: '2027-01-14', evidence: ['summary' as const] })) });
  const planned = await s.issued(await s.startUnit(round));
  const activities = s.taskActivities();
  const unitCode = round.unitCodes[0];
  const unit = { roundId: round.roundId, unitCode, at: await s.now() };
  return { round, unit, unitId: (await s.db.unit.findUniqueOrThrow({ where: { code: unitCode } })).id, taskIds: planned.map((t) => t.taskId), activities };
}

const submission = (taskId: string, idempotencyKey: string, evidence: Array<{ kind: 'summary' | 'documents'; title: string; fileId?: string }> = [{ kind: 'summary', title: '工作总结' }]) => ({
  taskId,
  idempotencyKey,
  summary: '已完成',
  evidence,
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(() => new Error('the write was recorded'), (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('recording submissions and reviews', () => {
  test('when a recorded submission is recorded again, or three times at once, then every call returns the first id and one row is written', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { unit, taskIds, activities } = await issuedRound(s, 2);

    const first = await activities.recordSubmission({ ...unit, ...submission(taskIds[0], 'key-1'), actor: 'person:li.na' });
    expect(await activities.recordSubmission({ ...unit, ...submission(taskIds[0], 'key-1'), actor: 'person:li.na' })).toEqual(first);
    expect(await s.db.submission.findMany({ where: { taskId: taskIds[0] } })).toEqual([
      expect.objectContaining({ id: first.submissionId, idempotencyKey: 'key-1', status: 'pending', submittedAt: new Date(unit.at), submittedBy: 'person:li.na' }),
    ]);
    expect(await s.task(taskIds[0])).toMatchObject({ status: 'submitted', submittedAt: new Date(unit.at) });

    const together = await Promise.all([1, 2, 3].map(() => activities.recordSubmission({ ...unit, ...submission(taskIds[1], 'key-2') })));
    expect(new Set(together.map((r) => r.submissionId)).size).toBe(1);
    expect(await s.db.submission.findMany({ where: { taskId: taskIds[1] }, select: { id: true, submittedBy: true } })).toEqual([{ id: together[0].submissionId, submittedBy: `unit:${unit.unitCode}` }]);
  });

  test('when the round is cancelled, then a recorded submission still returns its id, and a new submission or a review is refused with ERR_UNIT_CLOSED and writes nothing', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { round, unit, taskIds, activities } = await issuedRound(s, 2);
    const recorded = await activities.recordSubmission({ ...unit, ...submission(taskIds[0], 'before') });
    await s.db.round.update({ where: { id: round.roundId }, data: { status: 'cancelled' } });

    expect(await activities.recordSubmission({ ...unit, ...submission(taskIds[0], 'before') })).toEqual(recorded);
    const refused = await failureOf(activities.recordSubmission({ ...unit, ...submission(taskIds[1], 'after') }));
    expect({ type: refused.type, message: refused.message, nonRetryable: refused.nonRetryable }).toEqual({ type: ErrorType.UnitClosed, message: 'the round is cancelled', nonRetryable: true });
    expect(await s.db.submission.count({ where: { taskId: taskIds[1] } })).toBe(0);
    expect(await s.task(taskIds[1])).toMatchObject({ status: 'issued', submittedAt: null });

    const review = await failureOf(activities.recordReview({ ...unit, taskId: taskIds[0], submissionId: recorded.submissionId, decision: 'accept', score: 90, reviewer: 'city' }));
    expect({ type: review.type, message: review.message }).toEqual({ type: ErrorType.UnitClosed, message: 'the round is cancelled' });
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: recorded.submissionId } })).toMatchObject({ status: 'pending', reviewScore: null, reviewedAt: null });
    expect(await s.task(taskIds[0])).toMatchObject({ status: 'submitted', acceptedAt: null, reviewScore: null });
  });

  test('when a submission naming files is accepted, then the task is accepted with the score and one audit entry names its files in evidence order; without files, none', async () => {
    const s = await h.scenario('2027-01-05T10:00:00+08:00');
    const { unit, unitId, taskIds, activities } = await issuedRound(s, 2);
    const sha256 = 'ab'.repeat(32);
    await s.db.blob.upsert({ where: { sha256 }, create: { sha256, size: 3 }, update: {} });
    const [photo, report] = await Promise.all(
      ['现场照片.png', '工作总结.pdf'].map((name) => s.db.evidenceFile.create({ data: { unitId, name, size: 3, contentType: 'application/octet-stream', sha256, uploadedBy: `unit:${unit.unitCode}` } })),
    );
    const evidence = [
      { kind: 'summary' as const, title: '工作总结' },
      { kind: 'documents' as const, title: '总结正文', fileId: report.id },
      { kind: 'documents' as const, title: '现场照片', fileId: photo.id },
    ];
    const { submissionId } = await activities.recordSubmission({ ...unit, ...submission(taskIds[0], 'with-files', evidence) });
    expect(await s.db.evidenceUse.findMany({ where: { submissionId }, orderBy: { position: 'asc' }, select: { position: true, fileId: true } })).toEqual([
      { position: 1, fileId: report.id },
      { position: 2, fileId: photo.id },
    ]);

    const reviewedAt = unit.at + 60_000;
    expect(await activities.recordReview({ ...unit, at: reviewedAt, taskId: taskIds[0], submissionId, decision: 'accept', score: 88, comment: '材料齐全', reviewer: 'city', actor: 'person:wang' })).toEqual({ taskStatus: 'accepted' });
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).toMatchObject({
      status: 'accepted', reviewScore: 88, reviewComment: '材料齐全', reviewedAt: new Date(reviewedAt), reviewerOffice: 'city', reviewedBy: 'person:wang',
    });
    expect(await s.task(taskIds[0])).toMatchObject({ status: 'accepted', acceptedAt: new Date(reviewedAt), reviewScore: 88 });
    const files = await submissionFiles(s.db, submissionId);
    expect(files.map((f) => f.name)).toEqual(['工作总结.pdf', '现场照片.png']);
    expect(await s.db.auditEntry.findMany({ where: { subject: `submission:${submissionId}` }, select: { actor: true, action: true, detail: true } })).toEqual([
      { actor: 'person:wang', action: 'submission.accept', detail: { files } },
    ]);

    const plain = await activities.recordSubmission({ ...unit, ...submission(taskIds[1], 'no-files') });
    await activities.recordReview({ ...unit, taskId: taskIds[1], submissionId: plain.submissionId, decision: 'accept', score: 75, reviewer: 'city' });
    expect(await s.db.submission.findUniqueOrThrow({ where: { id: plain.submissionId } })).toMatchObject({ status: 'accepted', reviewScore: 75, reviewComment: null, reviewedBy: 'office:city' });
    expect(await s.db.auditEntry.count({ where: { subject: `submission:${plain.submissionId}` } })).toBe(0);
  });
});
