import { randomUUID } from 'node:crypto';
import type { RoundStatus, SubmissionStatus } from '../generated/prisma/client';
import type { Db } from '../src/db';

/**
 * A submission and a review, each recorded in one statement. They are the hot path of every
 * round: each submission and each review of every unit passes through here, in the worker that
 * holds the unit's workflow. Written with Prisma, a submission took seven round trips (the key,
 * the round's status, BEGIN, the submission, its files, the task, COMMIT) and an acceptance nine
 * (the submission, the round's status, its files in two queries, BEGIN, three writes, COMMIT).
 * Here each is one statement: one round trip, one implicit transaction, with the round's status
 * read in the same statement as the writes it guards.
 *
 * Table and column names follow `prisma/schema.prisma` (`@map`/`@@map`); the schema-drift test
 * holds the migrations to that schema, and the integration and workflow tests run both statements.
 * Prisma fills `@default(uuid())` and `@updatedAt` in the client, so ids come from `randomUUID()`
 * and `updated_at` is set here.
 */

export interface NewSubmission {
  taskId: string;
  roundId: string;
  idempotencyKey: string;
  summary: string;
  evidence: Array<{ fileId?: string }>;
  submittedAt: Date;
  submittedBy: string;
}

export interface SubmissionRecord {
  /** The submission recorded earlier under the same task and key, if any. */
  existingId: string | null;
  /** The submission this statement recorded, if it did. */
  insertedId: string | null;
  /** The round's status as the statement read it; null when there is no such round. */
  roundStatus: RoundStatus | null;
}

/**
 * Records a submission unless the task already has one under the same key, or the round is not
 * open: the submission, the evidence items that name files, and the task turned submitted. When a
 * concurrent call records the same key first, nothing is written and both ids come back null.
 */
export async function insertSubmission(db: Db, s: NewSubmission): Promise<SubmissionRecord> {
  const uses = s.evidence.flatMap((e, position) => (e.fileId ? [{ position, fileId: e.fileId }] : []));
  const [row] = await db.$queryRaw<Array<{ existing_id: string | null; inserted_id: string | null; round_status: RoundStatus | null }>>`
    WITH existing AS (
      SELECT id FROM submissions WHERE task_id = ${s.taskId}::uuid AND idempotency_key = ${s.idempotencyKey}
    ),
    round AS (
      SELECT status FROM rounds WHERE id = ${s.roundId}::uuid
    ),
    inserted AS (
      INSERT INTO submissions (id, task_id, idempotency_key, summary, evidence, submitted_at, submitted_by)
      SELECT ${randomUUID()}::uuid, ${s.taskId}::uuid, ${s.idempotencyKey}, ${s.summary}, ${JSON.stringify(s.evidence)}::jsonb, ${s.submittedAt}::timestamptz, ${s.submittedBy}
      WHERE NOT EXISTS (SELECT 1 FROM existing) AND (SELECT status FROM round) = 'open'
      ON CONFLICT (task_id, idempotency_key) DO NOTHING
      RETURNING id
    ),
    files AS (
      INSERT INTO evidence_uses (submission_id, position, file_id)
      SELECT inserted.id, u.position, u.file_id
      FROM inserted, unnest(${uses.map((u) => u.position)}::int[], ${uses.map((u) => u.fileId)}::uuid[]) AS u(position, file_id)
    ),
    task AS (
      UPDATE tasks SET status = 'submitted'::"TaskStatus", submitted_at = ${s.submittedAt}::timestamptz, updated_at = now()
      WHERE id = ${s.taskId}::uuid AND EXISTS (SELECT 1 FROM inserted)
    )
    SELECT (SELECT id::text FROM existing) AS existing_id,
           (SELECT id::text FROM inserted) AS inserted_id,
           (SELECT status::text FROM round) AS round_status`;
  return { existingId: row.existing_id, insertedId: row.inserted_id, roundStatus: row.round_status };
}

export interface PendingReview {
  submissionId: string;
  taskId: string;
  roundId: string;
  accept: boolean;
  score?: number;
  comment?: string;
  reviewedAt: Date;
  reviewerOffice: string;
  reviewedBy: string;
}

export interface ReviewRecord {
  /** The submission's status before the review; null when there is no such submission. */
  submissionStatus: SubmissionStatus | null;
  /** The round's status as the statement read it; null when there is no such round. */
  roundStatus: RoundStatus | null;
}

/**
 * Records the review of a submission that awaits one, while its round is open: the submission
 * accepted or returned and, on acceptance, the task accepted with the score and an audit entry
 * naming the submission's files (`submissionFiles` in store/files.ts: the same items, in evidence
 * order), written when it has any. Writes nothing when the submission is no longer pending or the
 * round is not open; the caller tells which from the statuses returned. A score or comment left
 * out leaves the column as it was.
 */
export async function reviewPendingSubmission(db: Db, r: PendingReview): Promise<ReviewRecord> {
  const [row] = await db.$queryRaw<Array<{ submission_status: SubmissionStatus | null; round_status: RoundStatus | null }>>`
    WITH submission AS (
      SELECT status FROM submissions WHERE id = ${r.submissionId}::uuid
    ),
    round AS (
      SELECT status FROM rounds WHERE id = ${r.roundId}::uuid
    ),
    reviewed AS (
      UPDATE submissions SET
        status = ${r.accept ? 'accepted' : 'returned'}::"SubmissionStatus",
        review_score = CASE WHEN ${r.accept}::boolean THEN COALESCE(${r.score ?? null}::int, review_score) END,
        review_comment = COALESCE(${r.comment ?? null}::text, review_comment),
        reviewed_at = ${r.reviewedAt}::timestamptz,
        reviewer_office = ${r.reviewerOffice},
        reviewed_by = ${r.reviewedBy}
      WHERE id = ${r.submissionId}::uuid AND status = 'pending' AND (SELECT status FROM round) = 'open'
      RETURNING id
    ),
    task AS (
      UPDATE tasks SET status = 'accepted'::"TaskStatus", accepted_at = ${r.reviewedAt}::timestamptz,
        review_score = COALESCE(${r.score ?? null}::int, review_score), updated_at = now()
      WHERE id = ${r.taskId}::uuid AND ${r.accept}::boolean AND EXISTS (SELECT 1 FROM reviewed)
    ),
    files AS (
      SELECT jsonb_agg(jsonb_build_object('position', u.position, 'fileId', u.file_id, 'name', f.name, 'size', f.size, 'sha256', f.sha256) ORDER BY u.position) AS files
      FROM evidence_uses u JOIN evidence_files f ON f.id = u.file_id
      WHERE u.submission_id = ${r.submissionId}::uuid AND ${r.accept}::boolean
    ),
    audited AS (
      INSERT INTO audit_log (id, actor, action, subject, detail)
      SELECT ${randomUUID()}::uuid, ${r.reviewedBy}, 'submission.accept', ${`submission:${r.submissionId}`}, jsonb_build_object('files', files.files)
      FROM files WHERE files.files IS NOT NULL AND EXISTS (SELECT 1 FROM reviewed)
    )
    SELECT (SELECT status::text FROM submission) AS submission_status,
           (SELECT status::text FROM round) AS round_status`;
  return { submissionStatus: row.submission_status, roundStatus: row.round_status };
}
